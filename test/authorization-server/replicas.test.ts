import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { createAuthMiddleware, GitHubOAuthProvider, NextMCP, type ToolContext } from '../../src';
import { hashToken } from '../../src/auth/token-hash';
import { RedisSessionStore } from '../../src/session';
import { RedisAuthorizationStore } from '../../src/auth/authorization-server/redis-authorization-store';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { deleteKeysWithPrefix, describeWithRedis, REDIS_URL, uniqueKeyPrefix } from '../support/redis';
import {
  CLIENT_REDIRECT,
  mcpStatus,
  pkce,
  authorizeUrl,
  postToken,
  redeem,
  refresh,
  register,
  TEST_SIGNING_KEY,
  TestBrowser,
  whoamiWith,
  type NotesServer,
} from '../support/authorization-server';

/*
 * Issue 12, item 3: two replicas behind one address share Redis (the authorization store and an
 * encrypted session store): register on one, authorize on the other, redeem and refresh across
 * them, revoke on one and be refused on the other at once. Each replica has its own upstream
 * provider with its default in-memory state store: the transaction carries what the callback needs.
 */

interface Replica {
  mcp: NextMCP;
  port: number;
  stores: { close(): Promise<void> }[];
}

describeWithRedis('two replicas sharing Redis', () => {
  const asPrefix = uniqueKeyPrefix();
  const sessionPrefix = uniqueKeyPrefix();
  const encryptionKey = randomBytes(32).toString('hex');
  let gh: FakeGitHub;
  let balancer: Server;
  let front: NotesServer;
  const replicas: Record<'a' | 'b', Replica> = {} as Record<'a' | 'b', Replica>;
  /** Where the balancer sends the next requests. */
  let route: 'a' | 'b' = 'a';

  async function startReplica(publicOrigin: string): Promise<Replica> {
    const store = new RedisAuthorizationStore({ url: REDIS_URL, keyPrefix: asPrefix });
    const sessions = new RedisSessionStore({ url: REDIS_URL, keyPrefix: sessionPrefix, encryptionKey });
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0 });
    const mcp = new NextMCP({ name: 'notes', version: '1' });
    mcp.tool('whoami', {}, async (_args: unknown, ctx: ToolContext) => ({
      provider: ctx.auth!.provider,
      userId: ctx.auth!.userId,
      username: ctx.auth!.username,
      scopes: [...ctx.auth!.scopes],
      clientId: ctx.auth!.claims.client_id,
      upstreamTokenHash: ctx.session && hashToken(ctx.session.accessToken),
    }));
    const authServer = mcp.enableAuthorizationServer({ upstream: github, store, signingKey: TEST_SIGNING_KEY, scopesSupported: ['notes:read'] });
    mcp.use(createAuthMiddleware({ provider: authServer, sessionStore: sessions, requiredScopes: ['notes:read'] }));
    const listener = await mcp.listen({
      transport: 'http',
      port: 0,
      stateless: true,
      resourceUrl: `${publicOrigin}/mcp`,
      allowedHosts: [new URL(publicOrigin).host],
    });
    return { mcp, port: Number(listener.url!.port), stores: [store] };
  }

  beforeAll(async () => {
    gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }], expiringTokens: true });
    // The load balancer: one public address, each request to the replica the test chooses.
    balancer = createServer((req, res) => {
      const forward = request({ host: '127.0.0.1', port: replicas[route].port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    await new Promise<void>((done) => balancer.listen(0, '127.0.0.1', done));
    const origin = `http://127.0.0.1:${(balancer.address() as { port: number }).port}`;
    replicas.a = await startReplica(origin);
    replicas.b = await startReplica(origin);
    front = { mcp: replicas.a.mcp, authServer: undefined as never, url: new URL(`${origin}/mcp`), origin, close: async () => undefined };
  });

  afterAll(async () => {
    await Promise.all([replicas.a.mcp.close(), replicas.b.mcp.close()]);
    for (const replica of [replicas.a, replicas.b]) for (const store of replica.stores) await store.close();
    balancer.closeAllConnections();
    await new Promise((done) => balancer.close(done));
    await gh.stop();
    await Promise.all([deleteKeysWithPrefix(asPrefix), deleteKeysWithPrefix(sessionPrefix)]);
  });

  it('register on one, authorize on the other, redeem and refresh across them, revoke on one and refused on the other at once', async () => {
    route = 'a';
    const clientId = (await register(front)).body.client_id as string;

    // The authorization request reaches B, the upstream's callback A, the consent decision B.
    const browser = new TestBrowser(CLIENT_REDIRECT);
    const served: string[] = [];
    browser.beforeHop = (url) => {
      if (url.origin !== front.origin) return;
      route = url.pathname === '/oauth/callback' ? 'a' : 'b';
      served.push(`${url.pathname} on ${route}`);
    };
    const { verifier, challenge } = pkce();
    const answer = await browser.authorize(authorizeUrl(front, { client_id: clientId, code_challenge: challenge }));
    expect(served).toEqual(['/authorize on b', '/oauth/callback on a', '/consent on b']);
    const code = answer.searchParams.get('code')!;
    expect(code).toBeTruthy();

    route = 'b';
    const tokens = await redeem(front, clientId, code, verifier);
    expect(tokens.status).toBe(200);
    route = 'a';
    const seen = await whoamiWith(front, tokens.body.access_token as string);
    expect(seen).toMatchObject({ provider: 'github', userId: '4242', username: 'octo', clientId });
    expect(seen.upstreamTokenHash).toEqual(expect.any(String));

    route = 'b';
    const rotated = await refresh(front, clientId, tokens.body.refresh_token as string);
    expect(rotated.status).toBe(200);
    route = 'a';
    expect((await refresh(front, clientId, tokens.body.refresh_token as string)).body).toEqual(rotated.body);
    route = 'b';
    expect((await whoamiWith(front, rotated.body.access_token as string)).userId).toBe('4242');

    route = 'a';
    expect((await postToken(front, { client_id: clientId, token: rotated.body.refresh_token as string }, {}, '/revoke')).status).toBe(200);
    route = 'b';
    expect((await mcpStatus(front, rotated.body.access_token as string)).status).toBe(401);
    expect((await refresh(front, clientId, rotated.body.refresh_token as string)).body.error).toBe('invalid_grant');
  });

  it('a replayed code is caught across replicas, and its grant revoked on both', async () => {
    route = 'a';
    const clientId = (await register(front)).body.client_id as string;
    const browser = new TestBrowser(CLIENT_REDIRECT);
    const { verifier, challenge } = pkce();
    const answer = await browser.authorize(authorizeUrl(front, { client_id: clientId, code_challenge: challenge }));
    const code = answer.searchParams.get('code')!;
    route = 'b';
    const tokens = await redeem(front, clientId, code, verifier);
    route = 'a';
    expect((await redeem(front, clientId, code, verifier)).body.error).toBe('invalid_grant');
    route = 'b';
    expect((await mcpStatus(front, tokens.body.access_token as string)).status).toBe(401);
  });

  it('keeps nothing secret in Redis in clear: upstream tokens encrypted, our codes, refresh tokens and secrets hashed', async () => {
    route = 'a';
    const confidential = await register(front, { token_endpoint_auth_method: 'client_secret_post' });
    const clientId = confidential.body.client_id as string;
    const secret = confidential.body.client_secret as string;
    const browser = new TestBrowser(CLIENT_REDIRECT);
    const { verifier, challenge } = pkce();
    const answer = await browser.authorize(authorizeUrl(front, { client_id: clientId, code_challenge: challenge }));
    const code = answer.searchParams.get('code')!;
    const tokens = await postToken(front, { grant_type: 'authorization_code', client_id: clientId, client_secret: secret, code, code_verifier: verifier, redirect_uri: CLIENT_REDIRECT });
    expect(tokens.status).toBe(200);
    const sessions = new RedisSessionStore({ url: REDIS_URL, keyPrefix: sessionPrefix, encryptionKey });
    const upstream = (await sessions.load('4242', 'github'))!;
    await sessions.close();

    const raw = await rawContents([asPrefix, sessionPrefix]);
    expect(raw).toContain('grant:');
    for (const value of [secret, code, tokens.body.refresh_token as string, upstream.accessToken, upstream.refreshToken!, gh.clientSecret]) {
      expect(value).toEqual(expect.any(String));
      expect(raw).not.toContain(value);
    }
  });
});

/** Every key and value under the prefixes, as Redis holds them. */
async function rawContents(prefixes: string[]): Promise<string> {
  const client = new Redis(REDIS_URL);
  try {
    const lines: string[] = [];
    for (const prefix of prefixes) {
      const keys = await client.keys(`${prefix}*`);
      for (const key of keys) {
        const type = await client.type(key);
        const value = type === 'string' ? await client.get(key) : JSON.stringify(type === 'hash' ? await client.hgetall(key) : await client.smembers(key).catch(() => []));
        lines.push(`${key} ${value}`);
      }
    }
    return lines.join('\n');
  } finally {
    client.disconnect();
  }
}
