import 'reflect-metadata';
import { GitHubOAuthProvider, MemorySessionStore, SessionData } from '../../src';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { mcpStatus, obtainTokens, refresh, registeredClient, startNotesServer, whoamiWith, type NotesServer } from '../support/authorization-server';

/*
 * DESIGN §7 "What a tool sees": roles from the upstream identity at login or last refresh, and the
 * upstream session refreshed by the authorization server itself when a request finds it due —
 * single-flight, per autoRefreshTokens; refused upstream is 401, an upstream outage 503.
 */

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo', orgs: ['acme'] }], expiringTokens: true });
});
afterAll(() => gh.stop());

function github(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0, roleMapping: { orgs: { acme: ['admin'] } } });
}

describe('roles', () => {
  it('come from the upstream identity at login, and again at each refresh', async () => {
    const server = await startNotesServer(github());
    try {
      const clientId = await registeredClient(server);
      const tokens = await obtainTokens(server, clientId);
      expect((await whoamiWith(server, tokens.access_token)).roles).toEqual(['admin']);
      gh.addUser({ id: 4242, login: 'octo', orgs: [] });
      expect((await whoamiWith(server, tokens.access_token)).roles).toEqual(['admin']);
      const rotated = await refresh(server, clientId, tokens.refresh_token);
      expect((await whoamiWith(server, rotated.body.access_token as string)).roles).toEqual([]);
    } finally {
      gh.addUser({ id: 4242, login: 'octo', orgs: ['acme'] });
      await server.close();
    }
  });
});

/** A memory store offering the cross-process refresh lock (as RedisSessionStore does), recording who took it. */
class LockingStore extends MemorySessionStore {
  readonly locks: string[] = [];
  async lockRefresh(userId: string, provider: string | undefined): Promise<() => Promise<void>> {
    this.locks.push(`${provider}:${userId}`);
    return async () => undefined;
  }
}

describe('the upstream session, refreshed when a request finds it due', () => {
  let server: NotesServer;
  const sessions = new LockingStore();
  let accessToken: string;

  beforeAll(async () => {
    server = await startNotesServer(github(), { sessionStore: sessions });
    accessToken = (await obtainTokens(server, await registeredClient(server))).access_token;
  });
  afterAll(() => server.close());

  /** Makes the user's GitHub token expire in 10 s (due within the 300 s buffer), optionally with another refresh token. */
  async function makeDue(refreshToken?: string): Promise<SessionData> {
    const session = (await sessions.load('4242', 'github'))!;
    await sessions.save(new SessionData({ ...session.toJSON(), expiresAt: Math.floor(Date.now() / 1000) + 10, ...(refreshToken && { refreshToken }) }));
    return session;
  }

  it('once for many concurrent requests (under the store’s refresh lock, reported as session:refreshed), and the tool sees the new token', async () => {
    const before = await makeDue();
    const refreshed: unknown[] = [];
    server.mcp.on('session:refreshed', (event) => refreshed.push(event));
    sessions.locks.length = 0;
    const refreshes = gh.requestCount('/login/oauth/access_token');
    const statuses = await Promise.all(Array.from({ length: 6 }, () => mcpStatus(server, accessToken)));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(gh.requestCount('/login/oauth/access_token') - refreshes).toBe(1);
    expect(sessions.locks).toEqual(['github:4242']);
    expect(refreshed).toEqual([{ provider: 'github', userId: '4242' }]);
    const after = (await sessions.load('4242', 'github'))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.needsRefresh()).toBe(false);
    expect((await whoamiWith(server, accessToken)).userId).toBe('4242');
  });

  it('a refresh the upstream refuses is 401 invalid_token (the client refreshes, and then logs in again)', async () => {
    await makeDue('ghr_revoked');
    const { status, challenge } = await mcpStatus(server, accessToken);
    expect(status).toBe(401);
    expect(challenge).toMatch(/invalid_token/);
  });

  it('an upstream that is down is 503, never a hang', async () => {
    await obtainTokens(server, await registeredClient(server));
    await makeDue();
    gh.server.failNext('/login/oauth/access_token', 503);
    expect((await mcpStatus(server, accessToken)).status).toBe(503);
    expect((await mcpStatus(server, accessToken)).status).toBe(200);
  });

  it('is left alone with autoRefreshTokens: false', async () => {
    const manual = await startNotesServer(github(), {}, { autoRefreshTokens: false, sessionStore: new MemorySessionStore() });
    try {
      const token = (await obtainTokens(manual, await registeredClient(manual))).access_token;
      const refreshes = gh.requestCount('/login/oauth/access_token');
      const store = (manual.mcp.auth.sessionStores()[0])!;
      const session = (await store.load('4242', 'github'))!;
      await store.save(new SessionData({ ...session.toJSON(), expiresAt: Math.floor(Date.now() / 1000) + 10 }));
      expect((await mcpStatus(manual, token)).status).toBe(200);
      expect(gh.requestCount('/login/oauth/access_token')).toBe(refreshes);
    } finally {
      await manual.close();
    }
  });
});
