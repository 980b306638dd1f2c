import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  GitHubOAuthProvider,
  GoogleOAuthProvider,
  MemorySessionStore,
  NextMCP,
  RequiresAuth,
  Tool,
  createAuthMiddleware,
  type ToolContext,
} from '../../src';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';
import { freePort } from '../support/ports';

/*
 * Issue 4 items 4 and 6: the server hosts the login (PKCE + state through /oauth/authorize and
 * /oauth/callback), creates the session, and one server serves GitHub and Google identities.
 */

let gh: FakeGitHub;
let google: FakeGoogle;
let github: GitHubOAuthProvider;
let googleProvider: GoogleOAuthProvider;
let mcp: NextMCP;
let base: string;
const store = new MemorySessionStore();

class Tools {
  @Tool() @RequiresAuth('github') repos(_a: unknown, { auth, session }: ToolContext) {
    return { github: auth!.username, upstreamToken: session?.accessToken === undefined ? 'none' : 'present' };
  }
  @Tool() @RequiresAuth('google') mail(_a: unknown, { auth }: ToolContext) {
    return { google: auth!.userId, scopes: [...auth!.scopes].sort() };
  }
}

beforeAll(async () => {
  [gh, google] = await Promise.all([
    startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] }),
    startFakeGoogle({ users: [{ sub: '1234', email: 'ada@example.com', name: 'Ada' }] }),
  ]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const redirectUri = `${base}/oauth/callback`;
  github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, redirectUri, scopes: ['read:user'], cacheTtlSeconds: 0 });
  googleProvider = new GoogleOAuthProvider({ clientId: google.clientId, clientSecret: google.clientSecret, endpoints: google.endpoints, redirectUri, cacheTtlSeconds: 0 });
  mcp = new NextMCP({ name: 'multi', version: '1' }).register(Tools);
  mcp.use(createAuthMiddleware({ providers: [github, googleProvider], sessionStore: store }));
  mcp.enableOAuthLogin({ providers: [github, googleProvider], redirectUri, allowedReturnUrls: [`${base}/done`] });
  await mcp.listen({ transport: 'http', port });
});

afterAll(async () => {
  await mcp.close();
  await Promise.all([gh.stop(), google.stop()]);
});

/** A browser: follows the login redirects by hand, keeping cookies. */
async function browserLogin(provider: string, query = ''): Promise<{ status: number; page: string; token?: string; authorizeUrl?: URL }> {
  const start = await fetch(`${base}/oauth/authorize?provider=${provider}${query}`, { redirect: 'manual' });
  if (start.status !== 302) return { status: start.status, page: await start.text() };
  const cookie = start.headers.get('set-cookie')!.split(';')[0];
  const authorizeUrl = new URL(start.headers.get('location')!);
  const atProvider = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = atProvider.headers.get('location')!;
  const done = await fetch(callback, { redirect: 'manual', headers: { cookie } });
  const page = await done.text();
  const token = /<code>([^<]+)<\/code>/.exec(page)?.[1];
  return { status: done.status, page, token, authorizeUrl };
}

async function callTool(token: string, tool: string) {
  const client = new Client({ name: 'login-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    return await client.callTool({ name: tool, arguments: {} });
  } finally {
    await client.close();
  }
}

describe('server-hosted OAuth login', () => {
  it('logs in with GitHub through PKCE + state and creates the session', async () => {
    const login = await browserLogin('github');
    expect(login.status).toBe(200);
    expect(login.page).toContain('Signed in with github as octo');
    const session = await store.findByAccessToken(login.token!);
    expect(session).toMatchObject({ userId: '4242', provider: 'github', scopes: ['read:user'] });
    const authorize = login.authorizeUrl!.searchParams;
    expect(authorize.get('state')).toMatch(/^github\./);
    expect(authorize.get('code_challenge_method')).toBe('S256');
    expect(authorize.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  });

  it('uses the session for MCP calls without asking GitHub again, and routes per provider', async () => {
    const { token } = await browserLogin('github');
    const userCalls = gh.requestCount('/user');
    const result = await callTool(token!, 'repos');
    expect(result.structuredContent).toEqual({ github: 'octo', upstreamToken: 'present' });
    expect(gh.requestCount('/user')).toBe(userCalls);
    await expect(callTool(token!, 'mail')).rejects.toThrow(/401|-31001/);
  });

  it('logs in with Google and serves Google-only tools', async () => {
    const login = await browserLogin('google');
    expect(login.status).toBe(200);
    const result = await callTool(login.token!, 'mail');
    expect(result.structuredContent).toEqual({
      google: '1234',
      scopes: expect.arrayContaining(['openid', 'email', 'profile', 'https://www.googleapis.com/auth/userinfo.email']),
    });
    await expect(callTool(login.token!, 'repos')).rejects.toThrow(/401|-31001/);
  });

  it('refuses a replayed callback and a callback from another browser', async () => {
    const start = await fetch(`${base}/oauth/authorize?provider=github`, { redirect: 'manual' });
    const cookie = start.headers.get('set-cookie')!.split(';')[0];
    const callback = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(400);
    const other = await fetch(`${base}/oauth/authorize?provider=github`, { redirect: 'manual' });
    const otherCallback = (await fetch(other.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
    expect((await fetch(otherCallback)).status).toBe(400);
  });

  it('cannot be used as an open redirect', async () => {
    const login = await browserLogin('github', `&return_to=${encodeURIComponent('https://evil.example/')}`);
    expect(login.status).toBe(400);
    const allowed = await fetch(`${base}/oauth/authorize?provider=github&return_to=${encodeURIComponent(`${base}/done`)}`, { redirect: 'manual' });
    expect(allowed.status).toBe(302);
    expect(new URL(allowed.headers.get('location')!).origin).toBe(gh.url);
  });

  it('lists both providers in authMetadata with their URLs, scopes and flows', () => {
    const providers = mcp.authMetadata().toJSON().providers;
    expect(providers.map((p) => p.name)).toEqual(['github', 'google']);
    expect(providers[0]).toMatchObject({ type: 'oauth2', flows: ['oauth2-pkce'], authorization_url: gh.endpoints.authorizationUrl, token_url: gh.endpoints.tokenUrl, scopes: ['read:user'], supports_pkce: true });
    expect(providers[1]).toMatchObject({ type: 'oauth2', flows: ['oauth2-pkce'], authorization_url: google.endpoints.authorizationUrl, supports_refresh: true, supports_pkce: true });
  });
});

describe('a provider outage through the MCP path', () => {
  it('gives -31001 provider_unavailable quickly (in memory) and 503 over HTTP, not a hang', async () => {
    const slow = await startFakeGitHub({ users: [{ id: 7, login: 'slowpoke' }] });
    const provider = new GitHubOAuthProvider({ clientId: slow.clientId, clientSecret: slow.clientSecret, endpoints: slow.endpoints, timeoutMs: 300, cacheTtlSeconds: 0 });
    const server = new NextMCP({ name: 'outage', version: '1' }).tool('ping', {}, async () => 'pong');
    server.use(createAuthMiddleware({ provider, sessionStore: new MemorySessionStore() }));
    const listener = await server.listen({ transport: 'http', port: 0 });
    const token = slow.issueToken('slowpoke');
    slow.server.delay('/user', 5_000);
    try {
      const { connectTestClient } = await import('../../src/testing');
      const { client, close } = await connectTestClient(server, { credentials: { access_token: token } });
      const started = Date.now();
      const error = await client.callTool({ name: 'ping', arguments: {} }).catch((e) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toMatchObject({ code: -31001, data: { error: 'provider_unavailable', providers: ['github'] } });
      expect(JSON.stringify(error)).not.toContain(token);
      await close();

      const response = await fetch(listener.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      });
      expect(response.status).toBe(503);
      expect(await response.text()).not.toContain(token);
    } finally {
      await server.close();
      await slow.stop();
    }
  });
});
