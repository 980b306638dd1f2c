import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthContext, ApiKeyProvider, NextMCP, PermissionManifest, RBAC, createAuthMiddleware } from '../../src';
import { connectTestClient } from '../../src/testing';

describe('PermissionManifest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nextmcp-manifest-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const yaml = `
scopes:
  - name: files:read
    description: Read files
    oauth_mapping:
      github: [repo]
tools:
  read_files:
    scopes: [files:read]
  admin_panel:
    roles: [admin]
    dangerous: true
`;

  it('loads YAML and JSON files to the same manifest, and round-trips toJSON()', async () => {
    await writeFile(join(dir, 'm.yaml'), yaml);
    const fromYaml = await PermissionManifest.load(join(dir, 'm.yaml'));
    await writeFile(join(dir, 'm.json'), JSON.stringify(fromYaml.toJSON()));
    const fromJson = await PermissionManifest.load(join(dir, 'm.json'));
    expect(fromJson.toJSON()).toEqual(fromYaml.toJSON());
    expect(fromYaml.toJSON()).toEqual({
      scopes: [{ name: 'files:read', description: 'Read files', oauth_mapping: { github: ['repo'] } }],
      tools: { read_files: { scopes: ['files:read'] }, admin_panel: { roles: ['admin'], dangerous: true } },
    });
    expect(fromYaml.isDangerous('admin_panel')).toBe(true);
    expect(fromYaml.policyFor('read_files')).toMatchObject({ requiresAuth: true, scopes: ['files:read'], origin: 'manifest' });
    expect(fromYaml.policyFor('unknown')).toBeUndefined();
  });

  it('refuses malformed entries with a clear error', () => {
    expect(() => PermissionManifest.fromJSON({ tools: { t: { scopes: 'files:read' as never } } })).toThrow(/scopes must be an array/);
    expect(() => PermissionManifest.parse('tools: [', 'yaml')).toThrow();
  });

  it('maps provider scopes to manifest scopes through oauthMapping', async () => {
    const manifest = new PermissionManifest()
      .defineScope('files:read', 'Read files', { 'api-key': ['repo'] })
      .defineToolPermission('read_files', { scopes: ['files:read'] });
    const provider = new ApiKeyProvider({
      keys: { 'with-repo': { userId: 'a', scopes: ['repo'] }, 'without-repo': { userId: 'b', scopes: ['gist'] } },
    });
    const mcp = new NextMCP({ name: 'm', version: '1' }).tool('read_files', {}, async () => 'files');
    mcp.use(createAuthMiddleware({ provider, manifest }));
    const { client, setCredentials, close } = await connectTestClient(mcp, { credentials: { api_key: 'with-repo' } });
    expect((await client.callTool({ name: 'read_files', arguments: {} })).content).toEqual([{ type: 'text', text: 'files' }]);
    setCredentials({ api_key: 'without-repo' });
    await expect(client.callTool({ name: 'read_files', arguments: {} })).rejects.toMatchObject({
      code: -31003,
      data: { error: 'insufficient_scope', missing_scopes: ['files:read'] },
    });
    await close();
  });

  it('a manifest refusal is a ManifestViolation (-31003 forbidden) naming the tool', async () => {
    const manifest = new PermissionManifest().defineToolPermission('admin_panel', { roles: ['admin'] });
    const provider = new ApiKeyProvider({ keys: { k: { userId: 'u', roles: ['user'] } } });
    const mcp = new NextMCP({ name: 'm', version: '1' }).tool('admin_panel', {}, async () => 'panel');
    mcp.use(createAuthMiddleware({ provider, manifest }));
    const { client, close } = await connectTestClient(mcp, { credentials: { api_key: 'k' } });
    const error = await client.callTool({ name: 'admin_panel', arguments: {} }).catch((e) => e);
    await close();
    expect(error.code).toBe(-31003);
    expect(error.data).toEqual({
      error: 'forbidden',
      tool: 'admin_panel',
      required_scopes: [],
      missing_scopes: [],
      required_roles: ['admin'],
      required_permissions: [],
    });
  });
});

describe('RBAC', () => {
  it('defines roles and permissions, loads config, and expands an AuthContext', () => {
    const rbac = new RBAC().loadFromConfig({
      permissions: ['files:read', { name: 'files:write', description: 'Write files' }],
      roles: { editor: { description: 'Edits', permissions: ['files:read', 'files:write'] }, viewer: { permissions: ['files:read'] } },
    });
    rbac.definePermission('admin:all');
    rbac.defineRole('admin');
    rbac.assignPermissionToRole('admin', '*');
    expect(() => rbac.assignPermissionToRole('ghost', 'x')).toThrow(/unknown role "ghost"/);
    expect([...rbac.permissionsFor(['viewer'])]).toEqual(['files:read']);
    const editor = rbac.expand(new AuthContext({ userId: 'u', provider: 'p', roles: ['editor'] }));
    expect(editor.hasPermission('files:write')).toBe(true);
    expect(editor.hasPermission('admin:all')).toBe(false);
    const admin = rbac.expand(new AuthContext({ userId: 'u', provider: 'p', roles: ['admin'] }));
    expect(admin.hasPermission('anything:at-all')).toBe(true);
    expect(rbac.toJSON().roles).toContainEqual({ name: 'viewer', description: undefined, permissions: ['files:read'] });
  });
});

describe('AuthContext permission wildcards', () => {
  const ctx = (permissions: string[]) => new AuthContext({ userId: 'u', provider: 'p', permissions });
  it.each([
    [['files:*'], 'files:read', true],
    [['files:*'], 'files:*', true],
    [['files:*'], 'filesystem:read', false],
    [['*'], 'admin:delete', true],
    [['files:read'], 'files:write', false],
    [['files:read'], 'files:*', false],
  ])('%j grants %s: %s', (granted, wanted, expected) => {
    expect(ctx(granted as string[]).hasPermission(wanted as string)).toBe(expected);
  });
});
