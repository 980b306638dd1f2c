import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { GitHubOAuthProvider } from '../../src';
import { RedisSessionStore, type SessionData } from '../../src/session';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { REDIS_URL, deleteKeysWithPrefix, describeWithRedis, uniqueKeyPrefix } from '../support/redis';
import { saveLoggedInSession } from './fixtures/github-login';

const REPO_ROOT = resolve(__dirname, '../..');
const FIXTURE = 'test/session/fixtures/replica-server.ts';
const USER_PATH = '/user';
const TOKEN_PATH = '/login/oauth/access_token';

/** What the replicas' `whoami` tool answers. */
interface Seen {
  replica: string;
  user: string | null;
  provider: string | null;
  sessionAccessToken: string | null;
}

/** One NextMCP server in its own process. */
class Replica {
  private stderr = '';
  private readonly child: ChildProcess;
  private readonly ready: Promise<URL>;

  constructor(
    readonly name: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, REPLICA_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.ready = new Promise<URL>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`replica ${name} did not start within 30 s: ${this.stderr}`)), 30_000);
      this.child.once('exit', (code) => fail(new Error(`replica ${name} exited with ${code}: ${this.stderr}`)));
      createInterface({ input: this.child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        done(new URL((JSON.parse(line) as { url: string }).url));
      });
    });
  }

  /** The replica's MCP endpoint, once it listens. */
  url(): Promise<URL> {
    return this.ready;
  }

  /** Connects a real SDK client sending `Authorization: Bearer <token>` and calls `whoami`. */
  async whoami(token: string): Promise<Seen> {
    const client = new Client({ name: 'replicas-test', version: '1' });
    const transport = new StreamableHTTPClientTransport(await this.url(), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    await client.connect(transport);
    try {
      return (await client.callTool({ name: 'whoami', arguments: {} })).structuredContent as unknown as Seen;
    } finally {
      await client.close();
    }
  }

  /** One SDK client sending `Authorization: Bearer <token>`, making `count` `whoami` calls at once. */
  async whoamiAtOnce(token: string, count: number): Promise<Seen[]> {
    const client = new Client({ name: 'replicas-test', version: '1' });
    const transport = new StreamableHTTPClientTransport(await this.url(), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    await client.connect(transport);
    try {
      const results = await Promise.all(Array.from({ length: count }, () => client.callTool({ name: 'whoami', arguments: {} })));
      return results.map((r) => r.structuredContent as unknown as Seen);
    } finally {
      await client.close();
    }
  }

  /** SIGTERM (the replica closes its server and store), SIGKILL if it has not exited in 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  get errors(): string {
    return this.stderr;
  }
}

describeWithRedis('two NextMCP replicas in separate processes sharing one RedisSessionStore', () => {
  const keyPrefix = uniqueKeyPrefix();
  let gh: FakeGitHub;
  let a: Replica;
  let b: Replica;
  /** The test's own view of the shared store. */
  let store: RedisSessionStore;

  beforeAll(async () => {
    gh = await startFakeGitHub({
      users: [
        { id: 1001, login: 'octocat' },
        { id: 2002, login: 'hubot' },
        { id: 3003, login: 'monalisa' },
      ],
      expiringTokens: true,
    });
    const env = {
      REDIS_URL,
      SESSION_KEY_PREFIX: keyPrefix,
      GITHUB_URL: gh.url,
      GITHUB_CLIENT_ID: gh.clientId,
      GITHUB_CLIENT_SECRET: gh.clientSecret,
    };
    // Assigned before waiting, so afterAll stops whichever started even if the other did not.
    a = new Replica('A', env);
    b = new Replica('B', env);
    await Promise.all([a.url(), b.url()]);
    store = new RedisSessionStore({ url: REDIS_URL, keyPrefix });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await gh?.stop();
    await deleteKeysWithPrefix(keyPrefix);
  }, 30_000);

  /** A real login as `login`, saved as a session whose token expires in 60 s (inside the refresh buffer). */
  function loggedIn(login: string, id: string): Promise<SessionData> {
    const github = new GitHubOAuthProvider({
      clientId: gh.clientId,
      clientSecret: gh.clientSecret,
      endpoints: gh.endpoints,
      redirectUri: 'http://127.0.0.1:9/callback',
    });
    return saveLoggedInSession(store, gh, github, { login, id }, 60);
  }

  it('uses a session created through replica A on replica B without asking the provider', async () => {
    const token = gh.issueToken('octocat', ['read:user']);
    const users = gh.requestCount(USER_PATH);

    const throughA = await a.whoami(token);

    expect(throughA).toEqual({ replica: 'A', user: '1001', provider: 'github', sessionAccessToken: token });
    expect(gh.requestCount(USER_PATH)).toBe(users + 1);
    expect(await store.findByAccessToken(token)).toMatchObject({ userId: '1001', provider: 'github', accessToken: token });

    const throughB = await b.whoami(token);

    expect(throughB).toEqual({ replica: 'B', user: '1001', provider: 'github', sessionAccessToken: token });
    expect(gh.requestCount(USER_PATH)).toBe(users + 1);
  });

  it('shows a refresh made by replica A to replica B, which makes no refresh request of its own', async () => {
    const session = await loggedIn('hubot', '2002');
    const refreshes = gh.requestCount(TOKEN_PATH);

    const throughA = await a.whoami(session.accessToken);

    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes + 1);
    const refreshed = await store.load('2002', 'github');
    expect(refreshed?.accessToken).not.toBe(session.accessToken);
    expect(refreshed?.refreshToken).not.toBe(session.refreshToken);
    expect(refreshed?.needsRefresh()).toBe(false);
    expect(throughA).toEqual({ replica: 'A', user: '2002', provider: 'github', sessionAccessToken: refreshed?.accessToken });

    // The client still holds its original token: B has GitHub check it (it is no longer the
    // session's current token) and hands its tool the session as A refreshed it.
    expect(await b.whoami(session.accessToken)).toEqual({ replica: 'B', user: '2002', provider: 'github', sessionAccessToken: refreshed?.accessToken });
    // With the refreshed token, B finds the session by hash: no provider call at all.
    const users = gh.requestCount(USER_PATH);
    expect(await b.whoami(refreshed!.accessToken)).toEqual({ replica: 'B', user: '2002', provider: 'github', sessionAccessToken: refreshed?.accessToken });
    expect(gh.requestCount(USER_PATH)).toBe(users);
    expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes + 1);
  });

  it('serves both callers, with one refresh, when A and B need the same session refreshed at once (rotating refresh token)', async () => {
    const session = await loggedIn('monalisa', '3003');
    const refreshes = gh.requestCount(TOKEN_PATH);
    // A slow token endpoint, so both replicas start their refresh before either has stored one.
    gh.server.delay(TOKEN_PATH, 300);
    try {
      const seen = await Promise.all([a.whoami(session.accessToken), b.whoami(session.accessToken)]);

      const stored = await store.load('3003', 'github');
      expect(stored?.accessToken).not.toBe(session.accessToken);
      expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes + 1);
      expect(seen.map((s) => s.sessionAccessToken)).toEqual([stored?.accessToken, stored?.accessToken]);
      expect(seen.map((s) => s.replica)).toEqual(['A', 'B']);
    } finally {
      gh.server.delay(TOKEN_PATH, undefined);
    }
  });

  it('makes exactly one refresh request for 200 concurrent calls split across both replicas (a Redis lock per session)', async () => {
    const session = await loggedIn('octocat', '1001');
    const refreshes = gh.requestCount(TOKEN_PATH);
    // A slow token endpoint, so both replicas want to refresh before either has stored new tokens.
    gh.server.delay(TOKEN_PATH, 300);
    try {
      const seen = (await Promise.all([a.whoamiAtOnce(session.accessToken, 100), b.whoamiAtOnce(session.accessToken, 100)])).flat();
      expect(gh.requestCount(TOKEN_PATH)).toBe(refreshes + 1);
      const stored = await store.load('1001', 'github');
      expect(stored?.accessToken).not.toBe(session.accessToken);
      expect(new Set(seen.map((s) => s.sessionAccessToken))).toEqual(new Set([stored?.accessToken]));
      expect(new Set(seen.map((s) => s.replica))).toEqual(new Set(['A', 'B']));
    } finally {
      gh.server.delay(TOKEN_PATH, undefined);
    }
  }, 60_000);

  it('left nothing on the replicas’ stderr', () => {
    expect(a.errors + b.errors).toBe('');
  });
});
