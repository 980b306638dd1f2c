import { epochSeconds } from '../../src/session/session-data';
import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GitHubOAuthProvider,
  GoogleOAuthProvider,
  NextMCP,
  SESSION_STORE,
  Tool,
  createAuthMiddleware,
  type AuthMiddlewareOptions,
  type AuthProvider,
  type ToolContext,
} from '../../src';
import {
  FileSessionStore,
  MemorySessionStore,
  RedisSessionStore,
  SessionData,
  type SessionStore,
} from '../../src/session';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';
import {
  REDIS_URL,
  RedisServerProcess,
  deleteKeysWithPrefix,
  describeWithRedis,
  describeWithRedisServer,
  uniqueKeyPrefix,
} from '../support/redis';
import { eventually } from './store-contract';
import { saveLoggedInSession } from './fixtures/github-login';
import { freePort } from '../support/ports';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const USER_PATH = '/user';
const TOKEN_PATH = '/login/oauth/access_token';

let gh: FakeGitHub;
let google: FakeGoogle;

beforeAll(async () => {
  // The same user id at two providers: GitHub's numeric id 1001 and a Google `sub` of "1001".
  gh = await startFakeGitHub({ users: [{ id: 1001, login: 'octocat' }], expiringTokens: true });
  google = await startFakeGoogle({ users: [{ sub: '1001', email: 'someone@example.com', name: 'Someone' }] });
});
afterAll(async () => {
  await gh.stop();
  await google.stop();
});

/** What a tool sees of its caller: the verified identity and the provider session. */
interface Seen {
  user: string | null;
  provider: string | null;
  session: { userId: string; provider: string | null; accessToken: string } | null;
}

class MarkInput {
  @IsInt() mark!: number;
}

class SessionTools {
  /** Writes into its session, waits, and reads back: another call's writes must never show. */
  @Tool()
  async mark({ mark }: MarkInput, { session }: ToolContext) {
    session!.metadata.mark = mark;
    await new Promise((resolve) => setImmediate(resolve));
    return { seen: session!.metadata.mark };
  }

  @Tool()
  whoami(_args: unknown, { auth, session }: ToolContext): Seen {
    return {
      user: auth?.userId ?? null,
      provider: auth?.provider ?? null,
      session: session ? { userId: session.userId, provider: session.provider ?? null, accessToken: session.accessToken } : null,
    };
  }
}

/** The provider's own result cache is off, so only the session can save a provider call. */
function githubProvider(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({
    clientId: gh.clientId,
    clientSecret: gh.clientSecret,
    endpoints: gh.endpoints,
    redirectUri: REDIRECT_URI,
    cacheTtlSeconds: 0,
  });
}

function googleProvider(): GoogleOAuthProvider {
  return new GoogleOAuthProvider({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    endpoints: google.endpoints,
    redirectUri: REDIRECT_URI,
    cacheTtlSeconds: 0,
  });
}

function serve(sessionStore: SessionStore | undefined, providers: AuthProvider[], options: AuthMiddlewareOptions = {}): NextMCP {
  const mcp = new NextMCP({ name: 'sessions', version: '1' });
  mcp.register(SessionTools);
  mcp.use(createAuthMiddleware({ providers, sessionStore, ...options }));
  return mcp;
}

async function whoami(mcp: NextMCP, credentials: Record<string, unknown>): Promise<Seen> {
  const { client, close } = await connectTestClient(mcp, { credentials });
  try {
    return (await client.callTool({ name: 'whoami', arguments: {} })).structuredContent as unknown as Seen;
  } finally {
    await close();
  }
}

interface Refusal {
  code: number;
  message: string;
  data: Record<string, unknown>;
}

async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return error as Refusal;
}

/** Milliseconds a promise took to settle (for generous upper bounds only). */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value: T }> {
  const started = Date.now();
  const value = await promise;
  return { ms: Date.now() - started, value };
}

/** The session the login routes would save for octocat, its token expiring in `expiresIn` seconds. */
function loggedInSession(store: SessionStore, provider: GitHubOAuthProvider, expiresIn: number): Promise<SessionData> {
  return saveLoggedInSession(store, gh, provider, { login: 'octocat', id: '1001' }, expiresIn);
}

/** A fresh, empty store of one kind, and how to release what it left behind. */
interface StoreKind {
  create(): SessionStore;
  cleanup(): Promise<void>;
}

function memoryStores(): StoreKind {
  return { create: () => new MemorySessionStore(), cleanup: async () => undefined };
}

function fileStores(): StoreKind {
  const directories: string[] = [];
  return {
    create: () => {
      const directory = mkdtempSync(join(tmpdir(), 'nextmcp-middleware-sessions-'));
      directories.push(directory);
      return new FileSessionStore(directory);
    },
    cleanup: async () => {
      for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
    },
  };
}

function redisStores(): StoreKind {
  const prefixes: string[] = [];
  return {
    create: () => {
      const keyPrefix = uniqueKeyPrefix();
      prefixes.push(keyPrefix);
      return new RedisSessionStore({ url: REDIS_URL, keyPrefix });
    },
    cleanup: async () => {
      for (const prefix of prefixes.splice(0)) await deleteKeysWithPrefix(prefix);
    },
  };
}

/** The middleware's session behaviour, run identically against each store. */
function sessionMiddlewareContract(kind: StoreKind): void {
  const servers: NextMCP[] = [];
  let store: SessionStore;

  /** A server on a fresh store; `mcp.close()` (after each test) closes the store too. */
  function server(providers: AuthProvider[], options: AuthMiddlewareOptions = {}): NextMCP {
    const mcp = serve(store, providers, options);
    servers.push(mcp);
    return mcp;
  }

  beforeEach(() => {
    store = kind.create();
  });
  afterEach(async () => {
    for (const mcp of servers.splice(0)) await mcp.close();
  });
  afterAll(() => kind.cleanup());

  it('creates the session on the first success, then finds it by token hash without calling the provider', async () => {
    const mcp = server([githubProvider()]);
    const token = gh.issueToken('octocat', ['read:user', 'repo']);
    const before = gh.requestCount(USER_PATH);

    const first = await whoami(mcp, { access_token: token });

    expect(gh.requestCount(USER_PATH)).toBe(before + 1);
    expect(first).toEqual({ user: '1001', provider: 'github', session: { userId: '1001', provider: 'github', accessToken: token } });
    const saved = await store.load('1001', 'github');
    expect(saved).toMatchObject({ userId: '1001', provider: 'github', accessToken: token });
    expect(saved?.scopes.sort()).toEqual(['read:user', 'repo']);
    expect((await store.findByAccessToken(token))?.userId).toBe('1001');

    for (let i = 0; i < 5; i++) expect(await whoami(mcp, { access_token: token })).toEqual(first);
    expect(gh.requestCount(USER_PATH)).toBe(before + 1);
  });

  it('refreshes a session due for refresh once for 1000 concurrent calls, and tools see the new token', async () => {
    const github = githubProvider();
    const mcp = server([github]);
    const old = await loggedInSession(store, github, 60); // inside the default 300 s buffer
    const refreshesBefore = gh.requestCount(TOKEN_PATH);

    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: old.accessToken } });
    const results = await Promise.all(Array.from({ length: 1000 }, () => client.callTool({ name: 'whoami', arguments: {} })));
    await close();

    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshesBefore + 1);
    const stored = await store.load('1001', 'github');
    expect(stored?.accessToken).not.toBe(old.accessToken);
    expect(stored?.refreshToken).toBeDefined();
    expect(stored?.refreshToken).not.toBe(old.refreshToken);
    expect(stored?.needsRefresh()).toBe(false);
    for (const result of results) {
      expect((result.structuredContent as unknown as Seen).session).toEqual({ userId: '1001', provider: 'github', accessToken: stored?.accessToken });
    }
    // The stored refresh token is the live, rotated one: the old one is spent.
    await expect(github.refreshAccessToken(old.refreshToken!)).rejects.toThrow();
    await expect(github.refreshAccessToken(stored!.refreshToken!)).resolves.toMatchObject({ token_type: 'bearer' });
    // The refreshed upstream token is valid at the provider and now finds the session by itself.
    const users = gh.requestCount(USER_PATH);
    expect((await whoami(mcp, { access_token: stored!.accessToken })).user).toBe('1001');
    expect(gh.requestCount(USER_PATH)).toBe(users);
  });

  it('gives each call that shared a refresh its own copy of ctx.session', async () => {
    const github = githubProvider();
    const mcp = server([github]);
    const old = await loggedInSession(store, github, 60);
    const refreshesBefore = gh.requestCount(TOKEN_PATH);
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: old.accessToken } });
    const marks = Array.from({ length: 20 }, (_, i) => i);
    const results = await Promise.all(marks.map((mark) => client.callTool({ name: 'mark', arguments: { mark } })));
    await close();
    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshesBefore + 1);
    expect(results.map((r) => (r.structuredContent as { seen: number }).seen)).toEqual(marks);
    expect((await store.load('1001', 'github'))?.metadata.mark).toBeUndefined();
  });

  it('still gives the refreshed session to a client whose token was replaced by the refresh', async () => {
    const github = githubProvider();
    const mcp = server([github]);
    const old = await loggedInSession(store, github, 60);
    const refreshed = await whoami(mcp, { access_token: old.accessToken });
    const refreshes = gh.requestCount(TOKEN_PATH);

    // The client still holds the token it was given: the provider checks it again (it is no
    // longer the session's current token), and the tool gets the session with the fresh token.
    const again = await whoami(mcp, { access_token: old.accessToken });

    expect(again.session).toEqual(refreshed.session);
    expect(again.session?.accessToken).not.toBe(old.accessToken);
    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes);
  });

  it('answers a failed refresh (invalid_grant) with -31001 and the provider authorization URL, without tokens', async () => {
    const github = githubProvider();
    const mcp = server([github]);
    const session = await loggedInSession(store, github, 60);
    const refreshes = gh.requestCount(TOKEN_PATH);
    gh.server.failNext(TOKEN_PATH, 400, { error: 'invalid_grant', error_description: 'The refresh token is invalid.' });

    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: session.accessToken } });
    const errors = await Promise.all(Array.from({ length: 20 }, () => refusal(client.callTool({ name: 'whoami', arguments: {} }))));
    await close();

    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes + 1);
    for (const error of errors) {
      expect(error.code).toBe(-31001);
      expect(error.data.providers).toEqual(['github']);
      const url = new URL(String(error.data.authorization_url));
      expect(`${url.origin}${url.pathname}`).toBe(gh.endpoints.authorizationUrl);
      expect(url.searchParams.get('client_id')).toBe(gh.clientId);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      const text = JSON.stringify(error) + error.message;
      expect(text).not.toContain(session.accessToken);
      expect(text).not.toContain(session.refreshToken!);
    }
    // The session is left as it was: nothing half-refreshed.
    expect((await store.load('1001', 'github'))?.accessToken).toBe(session.accessToken);
  });

  it('still refuses with -31001 when a failed refresh cannot produce an authorization URL', async () => {
    const github = githubProvider();
    const session = await loggedInSession(store, github, 60);
    // No redirectUri: this provider cannot build an authorization URL.
    const withoutRedirect = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0 });
    const mcp = server([withoutRedirect]);
    gh.server.failNext(TOKEN_PATH, 400, { error: 'invalid_grant' });

    const error = await refusal(whoami(mcp, { access_token: session.accessToken }));

    expect(error.code).toBe(-31001);
    expect(error.data).toEqual({ error: 'authentication_required', providers: ['github'], required_scopes: [] });
  });

  it('treats a token endpoint that is down as an outage (provider_unavailable), then refreshes when it is back', async () => {
    const github = githubProvider();
    const mcp = server([github]);
    const session = await loggedInSession(store, github, 60);
    gh.server.failNext(TOKEN_PATH, 503, 'Service Unavailable');

    const error = await refusal(whoami(mcp, { access_token: session.accessToken }));

    expect(error.code).toBe(-31001);
    expect(error.data.error).toBe('provider_unavailable');
    expect(error.data.authorization_url).toBeUndefined();
    expect(JSON.stringify(error) + error.message).not.toContain(session.refreshToken!);
    const seen = await whoami(mcp, { access_token: session.accessToken });
    expect(seen.session?.accessToken).toBe((await store.load('1001', 'github'))?.accessToken);
    expect(seen.session?.accessToken).not.toBe(session.accessToken);
  });

  it('lets two servers sharing the store refresh at once with a rotating refresh token: both callers get the session', async () => {
    const github = githubProvider();
    const replicas = [server([github]), server([githubProvider()])];
    const session = await loggedInSession(store, github, 60);
    // Slow token endpoint, so both servers read the old session before either has written the new one.
    gh.server.delay(TOKEN_PATH, 300);
    try {
      const seen = await Promise.all(replicas.map((mcp) => whoami(mcp, { access_token: session.accessToken })));

      const stored = await store.load('1001', 'github');
      expect(stored?.accessToken).not.toBe(session.accessToken);
      for (const s of seen) expect(s.session).toEqual({ userId: '1001', provider: 'github', accessToken: stored?.accessToken });
    } finally {
      gh.server.delay(TOKEN_PATH, undefined);
    }
  });

  it('refuses an expired token with token_expired although its session exists (and the provider would accept it)', async () => {
    const github = githubProvider();
    const mcp = server([github]);
    const token = gh.issueToken('octocat'); // still good at the fake GitHub, which knows no expiry
    await store.save(new SessionData({ userId: '1001', provider: 'github', accessToken: token, refreshToken: 'rt-unused', expiresAt: epochSeconds() - 30 }));
    const calls = { user: gh.requestCount(USER_PATH), token: gh.requestCount(TOKEN_PATH) };

    const error = await refusal(whoami(mcp, { access_token: token }));

    expect(error.code).toBe(-31001);
    expect(error.data.error).toBe('token_expired');
    expect(JSON.stringify(error) + error.message).not.toContain(token);
    // Neither accepted on the provider's word nor silently refreshed for the client's stale token.
    expect({ user: gh.requestCount(USER_PATH), token: gh.requestCount(TOKEN_PATH) }).toEqual(calls);
  });

  it('never returns one provider’s session for another provider’s identity with the same user id', async () => {
    const mcp = server([githubProvider(), googleProvider()]);
    const ghToken = gh.issueToken('octocat');
    const googleToken = google.issueToken('1001');

    const asGitHub = await whoami(mcp, { access_token: ghToken, provider: 'github' });
    const asGoogle = await whoami(mcp, { access_token: googleToken });

    expect(asGitHub).toEqual({ user: '1001', provider: 'github', session: { userId: '1001', provider: 'github', accessToken: ghToken } });
    expect(asGoogle).toEqual({ user: '1001', provider: 'google', session: { userId: '1001', provider: 'google', accessToken: googleToken } });
    expect((await store.load('1001', 'github'))?.accessToken).toBe(ghToken);
    expect((await store.load('1001', 'google'))?.accessToken).toBe(googleToken);

    // From the session (no provider call), each token still stands for its own provider.
    const calls = { github: gh.requestCount(USER_PATH), google: google.requestCount('/tokeninfo') };
    expect((await whoami(mcp, { access_token: ghToken })).provider).toBe('github');
    expect((await whoami(mcp, { access_token: googleToken })).provider).toBe('google');
    expect({ github: gh.requestCount(USER_PATH), google: google.requestCount('/tokeninfo') }).toEqual(calls);

    // A GitHub session's token offered as a Google identity is checked by Google, which refuses it.
    const crossed = await refusal(whoami(mcp, { access_token: ghToken, provider: 'google' }));
    expect(crossed.code).toBe(-31001);
    expect(crossed.data.error).toBe('invalid_token');
    expect(google.requestCount('/tokeninfo')).toBe(calls.google + 1);

    // A server that trusts only Google does not accept the GitHub session's token from the shared store.
    const googleOnly = serve(store, [googleProvider()]);
    try {
      const refused = await refusal(whoami(googleOnly, { access_token: ghToken }));
      expect(refused.code).toBe(-31001);
      expect(refused.data.error).toBe('invalid_token');
    } finally {
      await googleOnly.close();
    }
  });
}

describe('sessions in the auth middleware: MemorySessionStore', () => sessionMiddlewareContract(memoryStores()));
describe('sessions in the auth middleware: FileSessionStore', () => sessionMiddlewareContract(fileStores()));
describeWithRedis('sessions in the auth middleware: RedisSessionStore', () => sessionMiddlewareContract(redisStores()));


describe('a session store that is down', () => {
  it('fails closed with -31001 provider_unavailable within a bounded time, without asking the provider', async () => {
    const store = new RedisSessionStore({ url: `redis://127.0.0.1:${await freePort()}`, keyPrefix: uniqueKeyPrefix(), commandTimeoutMs: 500 });
    const mcp = serve(store, [githubProvider()]);
    const token = gh.issueToken('octocat');
    const users = gh.requestCount(USER_PATH);
    try {
      const { ms, value: error } = await timed(refusal(whoami(mcp, { access_token: token })));

      expect(error.code).toBe(-31001);
      expect(error.data.error).toBe('provider_unavailable');
      expect(JSON.stringify(error) + error.message).not.toContain(token);
      expect(ms).toBeLessThan(5000);
      expect(gh.requestCount(USER_PATH)).toBe(users);
    } finally {
      await mcp.close();
    }
  });
});

describeWithRedisServer('a session store that goes down and comes back', () => {
  let redis: RedisServerProcess;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
  });
  afterAll(() => redis.stop());

  it('refuses while Redis is down and serves again when it returns, without a restart', async () => {
    const store = new RedisSessionStore({ url: redis.url, keyPrefix: uniqueKeyPrefix(), commandTimeoutMs: 500 });
    const mcp = serve(store, [githubProvider()]);
    const token = gh.issueToken('octocat');
    try {
      expect((await whoami(mcp, { access_token: token })).session?.provider).toBe('github');

      await redis.stop();
      const { ms, value: errors } = await timed(
        Promise.all([token, gh.issueToken('octocat')].map((t) => refusal(whoami(mcp, { access_token: t })))),
      );
      for (const error of errors) {
        expect(error.code).toBe(-31001);
        expect(error.data.error).toBe('provider_unavailable');
      }
      expect(ms).toBeLessThan(5000);

      await redis.start();
      await eventually(() => whoami(mcp, { access_token: token }).then((seen) => seen.session?.accessToken === token, () => false), 15_000);
      expect((await store.findByAccessToken(token))?.userId).toBe('1001');
    } finally {
      await mcp.close();
    }
  }, 40_000);
});

/** Starts cleanup every few ms and waits until it has run, so there is a live timer to stop. */
async function cleaning(store: SessionStore) {
  const runs = jest.spyOn(store, 'cleanupExpired');
  const closed = jest.spyOn(store, 'close');
  store.startCleanup(5);
  await eventually(async () => runs.mock.calls.length > 0);
  return { runs, closed };
}

async function expectStopped(runs: jest.SpyInstance): Promise<void> {
  const count = runs.mock.calls.length;
  await new Promise((done) => setTimeout(done, 100)); // twenty intervals
  expect(runs.mock.calls.length).toBe(count);
}

describe('cleanup timers and mcp.close()', () => {
  it.each([
    ['after serving a request', true],
    ['when the server never served a request', false],
  ])('stops a middleware store’s cleanup timer on mcp.close() %s', async (_when, served) => {
    const store = new MemorySessionStore();
    const mcp = serve(store, [githubProvider()]);
    if (served) expect((await whoami(mcp, { access_token: gh.issueToken('octocat') })).user).toBe('1001');
    const { runs, closed } = await cleaning(store);

    await mcp.close();

    expect(closed).toHaveBeenCalled();
    await expectStopped(runs);
  });

  it('closes a SESSION_STORE taken from DI', async () => {
    const store = new MemorySessionStore();
    const mcp = new NextMCP({ name: 'sessions', version: '1' });
    mcp.container.registerInstance(SESSION_STORE, store);
    mcp.register(SessionTools);
    mcp.use(createAuthMiddleware({ provider: githubProvider() }));
    const token = gh.issueToken('octocat');
    expect((await whoami(mcp, { access_token: token })).session?.accessToken).toBe(token);
    expect((await store.findByAccessToken(token))?.userId).toBe('1001');
    const { runs, closed } = await cleaning(store);

    await mcp.close();

    expect(closed).toHaveBeenCalled();
    await expectStopped(runs);
  });
});

describeWithRedis('cleanup timers and mcp.close() with Redis', () => {
  it('closes a Redis store (timer and its own connection) so nothing keeps the process alive', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix });
    const mcp = serve(store, [githubProvider()]);
    try {
      expect((await whoami(mcp, { access_token: gh.issueToken('octocat') })).user).toBe('1001');
      const { runs, closed } = await cleaning(store);

      await mcp.close();

      expect(closed).toHaveBeenCalled();
      await expectStopped(runs);
      expect(store.client.status).toBe('end');
    } finally {
      await deleteKeysWithPrefix(keyPrefix);
    }
  });

  it('lets a cleanup run in flight finish before mcp.close() closes the connection', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix });
    const mcp = serve(store, [githubProvider()]);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cleanupExpired = store.cleanupExpired.bind(store);
    let started!: () => void;
    const inFlight = new Promise<void>((done) => (started = done));
    let removed: number | undefined;
    // A slow run (as on a large keyspace) that is still going when the server closes.
    jest.spyOn(store, 'cleanupExpired').mockImplementation(async () => {
      started();
      await new Promise((done) => setTimeout(done, 100));
      removed = await cleanupExpired();
      return removed;
    });
    try {
      expect((await whoami(mcp, { access_token: gh.issueToken('octocat') })).user).toBe('1001');
      store.startCleanup(5);
      await inFlight;

      await mcp.close();

      expect(removed).toBe(0);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      await deleteKeysWithPrefix(keyPrefix);
    }
  });
});
