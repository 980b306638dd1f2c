import 'reflect-metadata';
import { AccessDecision, AuthContext, GitHubOAuthProvider, NextMCP, RequiresRole, SESSION_IDENTITY_KEY, Tool, createAuthMiddleware, type ToolContext } from '../../src';
import { ConnectionAuthMemo } from '../../src/auth/connection-auth-memo';
import { hashToken } from '../../src/auth/token-hash';
import { OPEN_POLICY } from '../../src/metadata/access-policy';
import { MemorySessionStore, SessionData, epochSeconds } from '../../src/session';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { saveLoggedInSession } from '../session/fixtures/github-login';

/*
 * A stdio or in-memory connection remembers the caller its last token was found to be (and the
 * token's hash), and each AccessDecision the last caller it allowed. These tests pin that what is
 * remembered never outlives what it rests on: a change to the store, the session's expiry, its
 * trust window, a refresh falling due, another caller on the same connection.
 */

const USER_PATH = '/user';
const TOKEN_PATH = '/login/oauth/access_token';

class Tools {
  @Tool()
  whoami(_args: unknown, ctx: ToolContext) {
    return { user: ctx.auth?.userId ?? null, token: ctx.session?.accessToken ?? null };
  }

  @Tool()
  @RequiresRole('admin')
  adminOnly() {
    return 'admin';
  }
}

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 7, login: 'octo' }], expiringTokens: true });
});
afterAll(() => gh.stop());
afterEach(() => jest.restoreAllMocks());

function github(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({
    clientId: gh.clientId,
    clientSecret: gh.clientSecret,
    endpoints: gh.endpoints,
    redirectUri: 'http://127.0.0.1:9/callback',
    cacheTtlSeconds: 0,
  });
}

function serve(store: MemorySessionStore, provider = github(), sessionTrustSeconds?: number): NextMCP {
  return new NextMCP({ name: 'memo', version: '1' }).register(Tools).use(createAuthMiddleware({ provider, sessionStore: store, sessionTrustSeconds }));
}

/** One connection whose calls send the token given to each call. */
async function connection(mcp: NextMCP) {
  const { client, close } = await connectTestClient(mcp);
  const call = async (token: string, name = 'whoami') => {
    const result = await client.callTool({ name, arguments: {}, _meta: { auth: { access_token: token } } });
    return (result.structuredContent ?? { text: (result.content as { text: string }[])[0]?.text }) as Record<string, unknown>;
  };
  const refusal = (token: string, name = 'whoami') =>
    call(token, name).then(
      () => undefined,
      (error: { code?: number; data?: { error?: string } }) => ({ code: error.code, reason: error.data?.error }),
    );
  return { call, refusal, close };
}

/** Moves the wall clock `seconds` ahead of now for everything that reads Date.now(). */
function clockAhead(seconds: number): void {
  const now = Date.now();
  jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
}

describe('what a connection remembers of its caller', () => {
  it('sees a change to the session, and its deletion, on the very next call of the same connection', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    const token = gh.issueToken('octo', ['read:user']);
    const conn = await connection(mcp);
    expect(await conn.call(token)).toMatchObject({ user: '7' });
    expect(await conn.refusal(token, 'adminOnly')).toMatchObject({ code: -31003 });

    const stored = (await store.load('7', 'github')) as SessionData;
    const identity = stored.metadata[SESSION_IDENTITY_KEY] as Record<string, unknown>;
    await store.save(new SessionData({ ...stored.toJSON(), metadata: { ...stored.metadata, [SESSION_IDENTITY_KEY]: { ...identity, roles: ['admin'] } } }));
    expect(await conn.call(token, 'adminOnly')).toEqual({ text: 'admin' });

    await store.delete('7', 'github');
    const asked = gh.requestCount(USER_PATH);
    expect(await conn.call(token, 'whoami')).toMatchObject({ user: '7' });
    expect(gh.requestCount(USER_PATH)).toBe(asked + 1);
    await conn.close();
    await mcp.close();
  });

  it('asks the provider again after the store is cleared between two calls of the same connection', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    const token = gh.issueToken('octo', ['read:user']);
    const conn = await connection(mcp);
    await conn.call(token);
    await conn.call(token);
    await store.clearAll();
    const asked = gh.requestCount(USER_PATH);
    expect(await conn.call(token)).toMatchObject({ user: '7' });
    expect(gh.requestCount(USER_PATH)).toBe(asked + 1);
    await conn.close();
    await mcp.close();
  });

  it('serves the identity that saved the token last, when another saves the same token between two calls', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    await store.save(new SessionData({ userId: 'first', provider: 'github', accessToken: 'tok-shared' }));
    const conn = await connection(mcp);
    expect(await conn.call('tok-shared')).toMatchObject({ user: 'first' });
    expect(await conn.call('tok-shared')).toMatchObject({ user: 'first' });
    await store.save(new SessionData({ userId: 'second', provider: 'github', accessToken: 'tok-shared' }));
    expect(await conn.call('tok-shared')).toMatchObject({ user: 'second' });
    await conn.close();
    await mcp.close();
  });

  it('refuses a session that expires between two calls of the same connection', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    await store.save(new SessionData({ userId: '7', provider: 'github', accessToken: 'tok-short', scopes: ['read:user'], expiresAt: epochSeconds() + 60 }));
    const conn = await connection(mcp);
    expect(await conn.call('tok-short')).toMatchObject({ user: '7' });
    clockAhead(61);
    expect(await conn.refusal('tok-short')).toEqual({ code: -31001, reason: 'token_expired' });
    await conn.close();
    await mcp.close();
  });

  it('asks the provider again once the session’s trust window is over, on the same connection', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store, github(), 30);
    const token = gh.issueToken('octo', ['read:user']);
    const conn = await connection(mcp);
    await conn.call(token);
    const asked = gh.requestCount(USER_PATH);
    await conn.call(token);
    expect(gh.requestCount(USER_PATH)).toBe(asked);
    clockAhead(31);
    expect(await conn.call(token)).toMatchObject({ user: '7' });
    expect(gh.requestCount(USER_PATH)).toBe(asked + 1);
    await conn.close();
    await mcp.close();
  });

  it('refreshes a session as soon as its refresh falls due, on the same connection', async () => {
    const store = new MemorySessionStore();
    const provider = github();
    const mcp = serve(store, provider);
    const session = await saveLoggedInSession(store, gh, provider, { login: 'octo', id: '7' }, 400); // due in 100 s
    const conn = await connection(mcp);
    expect(await conn.call(session.accessToken)).toEqual({ user: '7', token: session.accessToken });
    const refreshes = gh.requestCount(TOKEN_PATH);
    clockAhead(101);
    const after = await conn.call(session.accessToken);
    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes + 1);
    expect(after.token).not.toBe(session.accessToken);
    expect(after.token).toBe((await store.load('7', 'github'))?.accessToken);
    await conn.close();
    await mcp.close();
  });

  it('keeps a bounded store’s recency: a session in use on a connection is not the one evicted', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    const mcp = serve(store);
    const token = gh.issueToken('octo', ['read:user']);
    const conn = await connection(mcp);
    await conn.call(token);
    await store.save(new SessionData({ userId: 'b', provider: 'github', accessToken: 'tok-b' }));
    await conn.call(token);
    await store.load('b', 'github'); // a use of b's session: octo's is now the least recent
    await conn.call(token); // a use: octo's session is the most recent again
    await store.save(new SessionData({ userId: 'c', provider: 'github', accessToken: 'tok-c' }));
    expect(await store.load('b', 'github')).toBeNull();
    const asked = gh.requestCount(USER_PATH);
    await conn.call(token);
    expect(gh.requestCount(USER_PATH)).toBe(asked);
    await conn.close();
    await mcp.close();
  });

  it('lets an admin through and refuses a non-admin alternating on one connection', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    await store.save(new SessionData({ userId: 'admin', provider: 'github', accessToken: 'tok-admin', metadata: { [SESSION_IDENTITY_KEY]: { roles: ['admin'] } } }));
    await store.save(new SessionData({ userId: 'plain', provider: 'github', accessToken: 'tok-plain' }));
    const conn = await connection(mcp);
    const outcomes = [];
    for (const token of ['tok-admin', 'tok-plain', 'tok-admin', 'tok-admin', 'tok-plain']) {
      outcomes.push((await conn.refusal(token, 'adminOnly'))?.code ?? 'allowed');
    }
    expect(outcomes).toEqual(['allowed', -31003, 'allowed', 'allowed', -31003]);
    await conn.close();
    await mcp.close();
  });
});

describe('ConnectionAuthMemo', () => {
  it("gives hashToken's answer for every token, whether it repeats, changes, or comes back as another string", () => {
    const memo = new ConnectionAuthMemo();
    const a = 'eyJ'.padEnd(600, 'a');
    const b = 'eyJ'.padEnd(600, 'b');
    const sameAsA = ['eyJ', 'a'.repeat(597)].join('');
    for (const token of [a, a, b, a, sameAsA, '', b, 'clé-🔑', a]) expect(memo.hash(token)).toBe(hashToken(token));
  });

  it('recalls a caller only for the same owner, candidates, store revision and token', () => {
    const memo = new ConnectionAuthMemo();
    const owner = {};
    const candidates = [github()];
    const auth = new AuthContext({ userId: 'u', provider: 'github' });
    const session = new SessionData({ userId: 'u', provider: 'github', accessToken: 'tok' });
    memo.rememberCaller({ owner, candidates, revision: 3, token: 'tok', auth, session, validUntil: Infinity });
    expect(memo.recallCaller(owner, candidates, 3, 'tok')?.auth).toBe(auth);
    expect(memo.recallCaller({}, candidates, 3, 'tok')).toBeUndefined();
    expect(memo.recallCaller(owner, [...candidates], 3, 'tok')).toBeUndefined();
    expect(memo.recallCaller(owner, candidates, 4, 'tok')).toBeUndefined();
    expect(memo.recallCaller(owner, candidates, 3, 'tok2')).toBeUndefined();
  });
});

describe('AccessDecision remembering the caller it allowed', () => {
  const adminOnly = new AccessDecision({ ...OPEN_POLICY, requiresAuth: true, roleSets: [['admin']] });

  it('checks a look-alike context every time: only an AuthContext is known not to change', () => {
    const roles = new Set(['admin']);
    const lookAlike = Object.assign(Object.create(null) as object, {
      userId: 'u',
      provider: 'p',
      scopes: new Set<string>(),
      roles,
      permissions: new Set<string>(),
      hasScope: (s: string) => false && s,
      hasRole: (r: string) => roles.has(r),
      hasPermission: () => false,
    }) as unknown as AuthContext;
    expect(() => adminOnly.check(lookAlike)).not.toThrow();
    roles.delete('admin');
    expect(() => adminOnly.check(lookAlike)).toThrow(/roles admin/);
  });

  it('does not let a caller allowed without a provider requirement through one that names another provider', () => {
    const auth = new AuthContext({ userId: 'u', provider: 'github', roles: ['admin'] });
    expect(() => adminOnly.check(auth)).not.toThrow();
    expect(() => adminOnly.check(auth, { providerName: 'google' })).toThrow(/provider "google"/);
    expect(() => adminOnly.check(auth)).not.toThrow();
  });
});
