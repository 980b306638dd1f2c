import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/*
 * The published package: `npm pack` (which builds), install the tarball into a consumer project,
 * compile a TypeScript file importing `nextmcp` and every subpath with both module resolutions,
 * and run it. Proves `exports`, `typesVersions`, `files` and the `.d.ts` output work together.
 */

const root = resolve(__dirname, '../..');
// Inside the repo, so the consumer resolves the package's dependencies from our node_modules.
const work = mkdtempSync(join(root, '.pack-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const consumer = `
import 'reflect-metadata';
import { NextMCP, Tool, RequiresScope, type ToolContext } from 'nextmcp';
import { ApiKeyProvider, createAuthMiddleware, AuthContext } from 'nextmcp/auth';
import { MemorySessionStore, SessionData } from 'nextmcp/session';
import { AuthRequirement, AuthMetadata } from 'nextmcp/protocol';
import { connectTestClient } from 'nextmcp/testing';

class Tools {
  @Tool({ description: 'who' })
  @RequiresScope('read')
  whoami(_input: unknown, ctx: ToolContext) {
    const auth: AuthContext | undefined = ctx.auth;
    return { user: auth?.userId };
  }
}

async function main() {
  const mcp = new NextMCP({ name: 'consumer', version: '1.0.0' });
  mcp.register(Tools);
  mcp.use(createAuthMiddleware({
    provider: new ApiKeyProvider({ keys: { k1: { userId: 'u1', scopes: ['read'] } } }),
    requirement: AuthRequirement.REQUIRED,
    sessionStore: new MemorySessionStore(),
  }));
  const { client, close } = await connectTestClient(mcp, { credentials: { api_key: 'k1' } });
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  await close();
  const session: SessionData = new SessionData({ userId: 'x', accessToken: 'y' });
  const metadata: AuthMetadata = mcp.authMetadata();
  console.log(JSON.stringify({ result: result.structuredContent, expired: session.isExpired(), requirement: metadata.requirement }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

/*
 * What `require('nextmcp')` and its subpaths load, and what each feature loads when it is used,
 * in a fresh process: the heavy dependencies of HTTP, OAuth, Redis and YAML manifests load only
 * with their feature.
 */
const importProbe = `
const HEAVY = ['express', '@hono/node-server', 'simple-oauth2', 'joi', 'ioredis', 'yaml'];
const loaded = () => HEAVY.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
const report = {};
require('nextmcp'); require('nextmcp/auth'); require('nextmcp/session'); require('nextmcp/protocol');
report.onImport = loaded();
// node:crypto too is loaded with the first hash or key, not with the package.
report.cryptoOnImport = process.moduleLoadList.includes('NativeModule crypto');
(async () => {
  const { NextMCP } = require('nextmcp');
  const { JwtProvider, ApiKeyProvider, GitHubOAuthProvider, PermissionManifest } = require('nextmcp/auth');
  const { MemorySessionStore, RedisSessionStore } = require('nextmcp/session');
  const mcp = new NextMCP({ name: 'probe', version: '1.0.0' });
  mcp.tool('ping', {}, async () => 'pong');
  new JwtProvider({ secret: 'a-test-secret-of-at-least-32-bytes!!', issuer: 'https://issuer.test', audience: 'probe' });
  new ApiKeyProvider({ keys: { k: { userId: 'u' } } });
  await new MemorySessionStore().close();
  report.stdioJwtServer = loaded();
  new GitHubOAuthProvider({ clientId: 'id', clientSecret: 'secret' });
  report.oauthProvider = loaded();
  await new RedisSessionStore({ url: 'redis://127.0.0.1:6379' }).close();
  report.redisStore = loaded();
  PermissionManifest.parse('tools: {}', 'yaml');
  report.yamlManifest = loaded();
  const listener = await mcp.listen({ transport: 'http', port: 0 });
  await listener.close();
  report.httpListener = loaded();
  console.log(JSON.stringify(report));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function tsconfig(moduleResolution: 'node10' | 'node16') {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: moduleResolution === 'node16' ? 'node16' : 'commonjs',
      moduleResolution,
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      // The SDK's own declarations need skipLibCheck under node16; ours are checked under node10.
      skipLibCheck: moduleResolution === 'node16',
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      outDir: `out-${moduleResolution}`,
    },
    files: ['consumer.ts'],
  };
}

// One pack for the whole file: `npm pack` rebuilds dist/, so two packs at once would race.
let files: string[];
beforeAll(() => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/^[^[]*/, ''));
  files = packed[0].files.map((f: { path: string }) => f.path);
  const target = join(work, 'node_modules/nextmcp');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, packed[0].filename), '-C', target, '--strip-components=1']);
  writeFileSync(join(work, 'consumer.ts'), consumer);
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}, 180_000);

describe('the packed package', () => {

  it('ships dist with declarations and the CLI, and nothing else of the repo', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/auth/index.d.ts', 'dist/session/index.d.ts', 'dist/protocol/index.d.ts', 'dist/testing/index.d.ts', 'dist/cli/index.js', 'package.json', 'README.md']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|examples|bench)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships no declaration marked @internal (users see only what they may use)', () => {
    const declarations = files.filter((f) => f.endsWith('.d.ts'));
    const read = (f: string) => readFileSync(join(work, 'node_modules/nextmcp', f), 'utf8');
    expect(declarations.filter((f) => read(f).includes('@internal'))).toEqual([]);
    // The members the package's own modules use, which were once visible to users.
    expect(read('dist/server/next-mcp.d.ts')).not.toMatch(/readonly (registry|auth):/);
    expect(read('dist/auth/authorization-server/authorization-server.d.ts')).not.toMatch(/handleHttp|bindResource|callbackPath/);
    expect(read('dist/auth/auth-middleware.d.ts')).not.toMatch(/onInstall/);
  });

  it('ships no source maps (they would point at sources the package does not include)', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('loads express, simple-oauth2, ioredis, yaml and node:crypto only with the feature that needs them', () => {
    writeFileSync(join(work, 'import-probe.js'), importProbe);
    const report = JSON.parse(execFileSync(process.execPath, ['import-probe.js'], { cwd: work, encoding: 'utf8' }));
    expect(report).toEqual({
      onImport: [],
      cryptoOnImport: false,
      stdioJwtServer: [],
      oauthProvider: ['simple-oauth2', 'joi'],
      redisStore: ['simple-oauth2', 'joi', 'ioredis'],
      yamlManifest: ['simple-oauth2', 'joi', 'ioredis', 'yaml'],
      httpListener: ['express', '@hono/node-server', 'simple-oauth2', 'joi', 'ioredis', 'yaml'],
    });
  }, 60_000);

  it.each(['node10', 'node16'] as const)('type-checks and runs a consumer with moduleResolution %s', (resolution) => {
    writeFileSync(join(work, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig(resolution)));
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`], { cwd: work, encoding: 'utf8' });
    const output = execFileSync(process.execPath, [join(work, `out-${resolution}`, 'consumer.js')], { cwd: work, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ result: { user: 'u1' }, expired: false, requirement: 'required' });
  }, 120_000);
});

/** The first fenced block of `language` in the README section under `heading`. */
function readmeBlock(heading: string, language: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(section);
  if (!block) throw new Error(`no ${language} block under ${heading} in README.md`);
  return block[1];
}

/** A running Quick start: the URL it printed, and a way to stop it that resolves to its exit code. */
function startServer(cwd: string): Promise<{ url: URL; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, ['dist/server.js'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      const printed = /listening at (http:\/\/\S+)/.exec(output);
      if (printed) {
        resolve({
          url: new URL(printed[1]),
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    void exited.then((code) => reject(new Error(`the Quick start exited (${code}) before listening:\n${output}`)));
  });
}

/*
 * The README's Set-up tsconfig and Quick start, as a user copies them into a new project, against the
 * packed package. The test variant listens on a free port and closes the server on SIGTERM; the
 * process must then exit by itself (nothing left open).
 */
describe.each([
  { kind: 'CommonJS', packageJson: { name: 'notes', private: true }, module: undefined },
  { kind: 'ES module', packageJson: { name: 'notes', private: true, type: 'module' }, module: 'nodenext' },
])('the README Quick start in a fresh $kind project', ({ kind, packageJson, module }) => {
  const dir = join(work, kind === 'CommonJS' ? 'quickstart-cjs' : 'quickstart-esm');

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    const compilerOptions = JSON.parse(readmeBlock('## Set-up', 'jsonc').replace(/\s+\/\/.*$/gm, '')).compilerOptions;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, ...(module && { module }), types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
        files: ['server.ts'],
      }),
    );
    const quickStart = readmeBlock('## Quick start', 'ts');
    expect(quickStart).toContain('port: 8080');
    const variant = `${quickStart.replace('port: 8080', 'port: 0')}\nprocess.once('SIGTERM', () => void mcp.close());\n`;
    writeFileSync(join(dir, 'server.ts'), variant);
  });

  it('compiles with tsc, serves the challenge and the metadata, and exits once closed', async () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    const server = await startServer(dir);
    let stopped = false;
    try {
      const refused = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe(
        'Bearer scope="notes:read", resource_metadata="https://notes.example.com/.well-known/oauth-protected-resource/mcp"',
      );
      const metadata = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', server.url));
      expect(await metadata.json()).toMatchObject({
        resource: 'https://notes.example.com/mcp',
        authorization_servers: ['https://idp.example.com'],
        scopes_supported: expect.arrayContaining(['notes:read', 'notes:write']),
      });
      stopped = true;
      expect(await server.stop()).toBe(0);
    } finally {
      if (!stopped) await server.stop();
    }
  }, 120_000);
});
