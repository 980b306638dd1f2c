import 'reflect-metadata';
import { IsString } from 'class-validator';
import { container as rootContainer } from 'tsyringe';
import {
  AUTH_PROVIDER,
  AuthRequirement,
  JwtProvider,
  NextMCP,
  PERMISSION_MANIFEST,
  PermissionManifest,
  Public,
  RBAC,
  RequiresAuth,
  RequiresPermission,
  RequiresRole,
  RequiresScope,
  StartupError,
  Tool,
  createAuthMiddleware,
  type ToolContext,
} from '../../src';
import { connectTestClient } from '../../src/testing';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';

let idp: TestIssuer;
let jwt: JwtProvider;

beforeAll(async () => {
  idp = await startOidcIssuer();
  jwt = new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url });
});
afterAll(() => idp.stop());

class NoteInput {
  @IsString() id!: string;
}

class NotesTools {
  @Tool()
  whoami(_args: unknown, { auth }: ToolContext) {
    return { user: auth?.userId ?? null, provider: auth?.provider ?? null, scopes: auth ? [...auth.scopes].sort() : [] };
  }

  @Tool({ name: 'delete_note' })
  @RequiresScope('notes:write', 'notes:delete')
  deleteNote(input: NoteInput) {
    return `deleted ${input.id}`;
  }

  @Tool()
  @RequiresRole('admin', 'owner')
  purge() {
    return 'purged';
  }

  @Tool()
  @RequiresPermission('files:read')
  readFiles() {
    return 'files';
  }

  @Tool()
  @Public()
  health() {
    return 'ok';
  }
}

function server(options: Parameters<typeof createAuthMiddleware>[0] = {}) {
  const mcp = new NextMCP({ name: 'notes', version: '1' });
  mcp.register(NotesTools);
  mcp.use(createAuthMiddleware({ provider: jwt, ...options }));
  return mcp;
}

async function call(mcp: NextMCP, name: string, credentials?: Record<string, unknown>, args: Record<string, unknown> = {}) {
  const { client, close } = await connectTestClient(mcp, { credentials });
  try {
    return await client.callTool({ name, arguments: args });
  } finally {
    await close();
  }
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeDefined();
  return error as { code: number; message: string; data: Record<string, unknown> };
}

describe('REQUIRED middleware on stdio/in-memory', () => {
  it('lets initialize and lists through, and refuses an unauthenticated call with -31001', async () => {
    const mcp = server({ requiredScopes: ['notes:read'] });
    const { client, close } = await connectTestClient(mcp);
    expect((await client.listTools()).tools.length).toBe(5);
    const error = await refusal(client.callTool({ name: 'whoami', arguments: {} }));
    await close();
    expect(error.code).toBe(-31001);
    expect(error.data).toEqual({ error: 'authentication_required', providers: ['jwt'], required_scopes: ['notes:read'] });
  });

  it('accepts a valid token and exposes the verified caller', async () => {
    const token = await idp.mintToken({ sub: 'alice', scope: 'notes:read' });
    const result = await call(server({ requiredScopes: ['notes:read'] }), 'whoami', { access_token: token });
    expect(result.structuredContent).toEqual({ user: 'alice', provider: 'jwt', scopes: ['notes:read'] });
  });

  it('refuses a token lacking the middleware requiredScopes with -31003 insufficient_scope', async () => {
    const token = await idp.mintToken({ scope: 'other' });
    const error = await refusal(call(server({ requiredScopes: ['notes:read'] }), 'whoami', { access_token: token }));
    expect(error.code).toBe(-31003);
    expect(error.data).toEqual({
      error: 'insufficient_scope',
      tool: 'whoami',
      required_scopes: ['notes:read'],
      missing_scopes: ['notes:read'],
      required_roles: [],
      required_permissions: [],
    });
  });

  it('exempts @Public() targets from REQUIRED', async () => {
    expect((await call(server(), 'health')).content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  describe('refuses bad tokens with -31001, never echoing them', () => {
    const cases: [string, () => Promise<string>, string][] = [
      ['expired', () => idp.mintToken({ expiresIn: -3600 }), 'token_expired'],
      ['not yet valid', () => idp.mintToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }), 'invalid_token'],
      ['wrong issuer', () => idp.mintToken({ claims: { iss: 'https://evil.example' } }), 'invalid_token'],
      ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', iss: idp.url, exp: 9999999999 })}.`, 'invalid_token'],
      ['garbage', async () => 'not-a-jwt', 'invalid_token'],
      ['oversized', async () => 'a'.repeat(20_000), 'invalid_token'],
    ];
    it.each(cases)('%s', async (_name, makeToken, reason) => {
      const token = await makeToken();
      const error = await refusal(call(server(), 'whoami', { access_token: token }));
      expect(error.code).toBe(-31001);
      expect(error.data.error).toBe(reason);
      expect(JSON.stringify(error)).not.toContain(token.slice(0, 200));
      expect(error.message).not.toContain(token.slice(0, 200));
    });
  });

  it('refuses a token for the wrong audience', async () => {
    const mcp = new NextMCP({ name: 'aud', version: '1' }).register(NotesTools);
    mcp.use(createAuthMiddleware({ provider: new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url, audience: 'https://notes.example' }) }));
    const wrong = await idp.mintToken({ aud: 'https://other.example' });
    expect((await refusal(call(mcp, 'whoami', { access_token: wrong }))).data.error).toBe('invalid_token');
    const right = await idp.mintToken({ aud: 'https://notes.example', sub: 'bob' });
    expect((await call(mcp, 'whoami', { access_token: right })).structuredContent).toMatchObject({ user: 'bob' });
  });

  it('ignores client-supplied scopes, roles and auth context', async () => {
    const token = await idp.mintToken({ scope: 'notes:read' });
    const forged = { access_token: token, scopes: ['notes:write', 'notes:delete'], roles: ['admin'], _auth_context: { roles: ['admin'] } };
    const mcp = server();
    expect((await refusal(call(mcp, 'delete_note', forged, { id: '1', _auth_context: { scopes: ['notes:write'] } }))).data.error).toBe('insufficient_scope');
    expect((await refusal(call(mcp, 'purge', forged))).data.error).toBe('forbidden');
  });

  it('requires ALL scopes, ANY role, and honours permission wildcards', async () => {
    const mcp = server();
    const oneScope = await idp.mintToken({ scope: 'notes:write' });
    const error = await refusal(call(mcp, 'delete_note', { access_token: oneScope }, { id: '7' }));
    expect(error.data).toMatchObject({ missing_scopes: ['notes:delete'], required_scopes: ['notes:write', 'notes:delete'] });
    const both = await idp.mintToken({ scope: 'notes:write notes:delete' });
    expect((await call(mcp, 'delete_note', { access_token: both }, { id: '7' })).content).toEqual([{ type: 'text', text: 'deleted 7' }]);

    const owner = await idp.mintToken({ claims: { roles: ['owner'] } });
    expect((await call(mcp, 'purge', { access_token: owner })).content).toEqual([{ type: 'text', text: 'purged' }]);
    const viewer = await idp.mintToken({ claims: { roles: ['viewer'] } });
    expect((await refusal(call(mcp, 'purge', { access_token: viewer }))).data).toMatchObject({ error: 'forbidden', required_roles: ['admin', 'owner'] });

    for (const granted of [['files:*'], ['*'], ['files:read']]) {
      const token = await idp.mintToken({ claims: { permissions: granted } });
      expect((await call(mcp, 'readFiles', { access_token: token })).content).toEqual([{ type: 'text', text: 'files' }]);
    }
    const other = await idp.mintToken({ claims: { permissions: ['files:write', 'admin:*'] } });
    expect((await refusal(call(mcp, 'readFiles', { access_token: other }))).data).toMatchObject({
      error: 'forbidden',
      required_permissions: ['files:read'],
    });
  });
});

describe('credentialsKey', () => {
  it('reads credentials from params._meta[credentialsKey]', async () => {
    const mcp = server({ credentialsKey: 'credentials' });
    const token = await idp.mintToken({ sub: 'keyed' });
    const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    const client = new Client({ name: 'keyed', version: '1' });
    await client.connect(clientSide);
    const result = await client.callTool({ name: 'whoami', arguments: {}, _meta: { credentials: { access_token: token } } });
    expect(result.structuredContent).toMatchObject({ user: 'keyed' });
    // The default key is not read by this middleware.
    await expect(client.callTool({ name: 'whoami', arguments: {}, _meta: { auth: { access_token: 'garbage' } } })).rejects.toMatchObject({
      code: -31001,
      data: { error: 'authentication_required' },
    });
    await client.close();
  });
});

describe('OPTIONAL and NONE', () => {
  it('OPTIONAL lets anonymous callers in but refuses bad credentials', async () => {
    const mcp = server({ requirement: AuthRequirement.OPTIONAL });
    expect((await call(mcp, 'whoami')).structuredContent).toMatchObject({ user: null });
    const token = await idp.mintToken({ sub: 'carol' });
    expect((await call(mcp, 'whoami', { access_token: token })).structuredContent).toMatchObject({ user: 'carol' });
    expect((await refusal(call(mcp, 'whoami', { access_token: 'garbage' }))).code).toBe(-31001);
    // Decorators still apply under OPTIONAL.
    expect((await refusal(call(mcp, 'purge'))).code).toBe(-31001);
  });

  it('NONE does not authenticate, but decorators are still enforced', async () => {
    const mcp = server({ requirement: AuthRequirement.NONE });
    expect((await call(mcp, 'whoami', { access_token: 'garbage' })).structuredContent).toMatchObject({ user: null });
    const admin = await idp.mintToken({ claims: { roles: ['admin'] } });
    expect((await call(mcp, 'purge', { access_token: admin })).content).toEqual([{ type: 'text', text: 'purged' }]);
  });
});

describe('decorators without any global middleware', () => {
  it('are enforced with the provider named by @RequiresAuth', async () => {
    class Guarded {
      @Tool() @RequiresAuth(jwt) me(_a: unknown, { auth }: ToolContext) {
        return auth!.userId;
      }
      @Tool() open() {
        return 'open';
      }
    }
    const mcp = new NextMCP({ name: 'deco', version: '1' }).register(Guarded);
    expect((await refusal(call(mcp, 'me'))).data).toMatchObject({ error: 'authentication_required', providers: ['jwt'] });
    const token = await idp.mintToken({ sub: 'dave' });
    expect((await call(mcp, 'me', { access_token: token })).content).toEqual([{ type: 'text', text: 'dave' }]);
    expect((await call(mcp, 'open')).content).toEqual([{ type: 'text', text: 'open' }]);
  });

  it('resolve the default provider and the manifest from DI', async () => {
    const container = rootContainer.createChildContainer();
    container.register(AUTH_PROVIDER, { useValue: jwt });
    container.register(PERMISSION_MANIFEST, { useValue: new PermissionManifest().defineToolPermission('whoami', { scopes: ['profile'] }) });
    const mcp = new NextMCP({ name: 'di', version: '1', container }).register(NotesTools);
    expect((await refusal(call(mcp, 'purge'))).code).toBe(-31001);
    const token = await idp.mintToken({ sub: 'erin', scope: 'email' });
    expect((await refusal(call(mcp, 'whoami', { access_token: token }))).data).toMatchObject({ error: 'insufficient_scope', missing_scopes: ['profile'] });
  });

  it('a target requiring auth with no provider anywhere is a start-up error', async () => {
    const mcp = new NextMCP({ name: 'none', version: '1' }).register(NotesTools);
    await expect(connectTestClient(mcp)).rejects.toThrow(/NotesTools.deleteNote requires authentication but no auth provider is configured/);
  });
});

describe('manifest and RBAC', () => {
  it('combines decorator, manifest and middleware requirements with AND', async () => {
    const manifest = new PermissionManifest().defineToolPermission('delete_note', { roles: ['editor'] });
    const mcp = server({ manifest, requiredScopes: ['notes:read'] });
    const scopesOnly = await idp.mintToken({ scope: 'notes:read notes:write notes:delete' });
    const error = await refusal(call(mcp, 'delete_note', { access_token: scopesOnly }, { id: '1' }));
    expect(error.code).toBe(-31003);
    expect(error.data).toMatchObject({ error: 'forbidden', required_roles: ['editor'] });
    const noMiddlewareScope = await idp.mintToken({ scope: 'notes:write notes:delete', claims: { roles: ['editor'] } });
    expect((await refusal(call(mcp, 'delete_note', { access_token: noMiddlewareScope }, { id: '1' }))).data).toMatchObject({
      error: 'insufficient_scope',
      required_scopes: ['notes:read', 'notes:write', 'notes:delete'],
      missing_scopes: ['notes:read'],
    });
    const all = await idp.mintToken({ scope: 'notes:read notes:write notes:delete', claims: { roles: ['editor'] } });
    expect((await call(mcp, 'delete_note', { access_token: all }, { id: '1' })).content).toEqual([{ type: 'text', text: 'deleted 1' }]);
  });

  it('refuses a manifest naming a tool the server does not have, at start-up', async () => {
    const manifest = new PermissionManifest().defineToolPermission('delte_note', { scopes: ['x'] });
    await expect(connectTestClient(server({ manifest }))).rejects.toThrow(StartupError);
    await expect(connectTestClient(server({ manifest }))).rejects.toThrow(/delte_note/);
  });

  it('marks dangerous tools destructive and states requirements in tools/list _meta', async () => {
    const manifest = new PermissionManifest().defineToolPermission('purge', { dangerous: true, permissions: ['admin:*'] });
    const { client, close } = await connectTestClient(server({ manifest, requiredScopes: ['notes:read'] }));
    const { tools } = await client.listTools();
    await close();
    const purge = tools.find((t) => t.name === 'purge')!;
    expect(purge.annotations).toMatchObject({ destructiveHint: true });
    expect(purge._meta).toEqual({
      'nextmcp/auth': { required: true, scopes: ['notes:read'], roles: ['admin', 'owner'], permissions: ['admin:*'] },
    });
    expect(tools.find((t) => t.name === 'health')!._meta).toEqual({
      'nextmcp/auth': { required: false, scopes: [], roles: [], permissions: [], public: true },
    });
  });

  it('RBAC expands roles into permissions', async () => {
    const rbac = new RBAC();
    rbac.defineRole('librarian', 'Reads files', ['files:read']);
    const mcp = server({ rbac });
    const token = await idp.mintToken({ claims: { roles: ['librarian'] } });
    expect((await call(mcp, 'readFiles', { access_token: token })).content).toEqual([{ type: 'text', text: 'files' }]);
    const stranger = await idp.mintToken({ claims: { roles: ['guest'] } });
    expect((await refusal(call(mcp, 'readFiles', { access_token: stranger }))).code).toBe(-31003);
  });
});

describe("toolListing: 'authorized'", () => {
  it('hides what the caller can never call', async () => {
    const mcp = new NextMCP({ name: 'list', version: '1', toolListing: 'authorized' }).register(NotesTools);
    mcp.use(createAuthMiddleware({ provider: jwt, requirement: AuthRequirement.OPTIONAL }));
    const names = async (credentials?: Record<string, unknown>) => {
      const { client, close } = await connectTestClient(mcp, { credentials });
      const { tools } = await client.listTools();
      await close();
      return tools.map((t) => t.name).sort();
    };
    expect(await names()).toEqual(['health', 'whoami']);
    const admin = await idp.mintToken({ scope: 'notes:write notes:delete', claims: { roles: ['admin'] } });
    expect(await names({ access_token: admin })).toEqual(['delete_note', 'health', 'purge', 'whoami']);
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
