import 'reflect-metadata';
import { GitHubOAuthProvider, NextMCP, SESSION_STORE, Tool, createAuthMiddleware, type ToolContext } from '../../src';
import { MemorySessionStore, SessionData } from '../../src/session';
import { epochSeconds } from '../../src/session/session-data';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { recordEvents, settle } from '../support/event-recorder';
import { saveLoggedInSession } from '../session/fixtures/github-login';

/*
 * DESIGN §9: `session:created` (a first verified token), `session:refreshed` and
 * `session:refresh_failed` (this process refreshing a provider token), and `session:deleted` for
 * any delete through the store the middleware uses, by the application or the package.
 */

const OCTOCAT = { login: 'octocat', id: '1001' };
const TOKEN_PATH = '/login/oauth/access_token';
let gh: FakeGitHub;

beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 1001, login: 'octocat' }], expiringTokens: true });
});
afterAll(() => gh.stop());

class Tools {
  @Tool()
  whoami(_args: unknown, { auth }: ToolContext) {
    return { user: auth!.userId };
  }
}

function github(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({
    clientId: gh.clientId,
    clientSecret: gh.clientSecret,
    endpoints: gh.endpoints,
    redirectUri: 'http://127.0.0.1:9/callback',
    cacheTtlSeconds: 0,
  });
}

async function call(mcp: NextMCP, token: string) {
  const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
  try {
    return await client.callTool({ name: 'whoami', arguments: {} });
  } finally {
    await close();
  }
}

describe('session events', () => {
  let store: MemorySessionStore;
  let provider: GitHubOAuthProvider;
  let mcp: NextMCP;

  beforeEach(() => {
    store = new MemorySessionStore();
    provider = github();
    mcp = new NextMCP({ name: 'sessions', version: '1' }).register(Tools).use(createAuthMiddleware({ provider, sessionStore: store }));
  });
  afterEach(() => mcp.close());

  it('reports a session created by the first verified token, once', async () => {
    const recorded = recordEvents(mcp);
    const token = gh.issueToken('octocat');
    await call(mcp, token);
    await call(mcp, token);
    await settle();

    expect(recorded.of('session:created')).toEqual([{ provider: 'github', userId: '1001' }]);
    expect(recorded.of('auth:allowed')).toHaveLength(2);
  });

  it('reports a refresh once, however many calls waited for it', async () => {
    const session = await saveLoggedInSession(store, gh, provider, OCTOCAT, 60); // inside the refresh buffer
    const recorded = recordEvents(mcp);
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: session.accessToken } });
    await Promise.all([1, 2, 3].map(() => client.callTool({ name: 'whoami', arguments: {} })));
    await close();
    await settle();

    expect(recorded.of('session:refreshed')).toEqual([{ provider: 'github', userId: '1001' }]);
    expect(recorded.of('session:refresh_failed')).toEqual([]);
  });

  it('reports a refused refresh (the user must authorize again) and a provider that is down', async () => {
    const token = gh.issueToken('octocat');
    const due = (refreshToken: string) =>
      new SessionData({ userId: '1001', provider: 'github', accessToken: token, refreshToken, expiresAt: epochSeconds() + 60, scopes: ['read:user'] });
    const recorded = recordEvents(mcp);

    await store.save(due('not-a-refresh-token'));
    await expect(call(mcp, token)).rejects.toThrow(/-31001/);
    await store.save(due('not-a-refresh-token-either'));
    gh.server.failNext(TOKEN_PATH, 503);
    await expect(call(mcp, token)).rejects.toThrow(/-31001/);
    await settle();

    expect(recorded.of('session:refresh_failed')).toEqual([
      { provider: 'github', userId: '1001', reason: 'refused' },
      { provider: 'github', userId: '1001', reason: 'provider_unavailable' },
    ]);
    expect(recorded.of('auth:denied').map((e) => e.reason)).toEqual(['authentication_required', 'provider_unavailable']);
  });

  it('reports deletes through the store, by the application or a cleanup, until the server closes', async () => {
    await call(mcp, gh.issueToken('octocat'));
    const recorded = recordEvents(mcp);
    await store.save(new SessionData({ userId: 'old', provider: 'google', accessToken: 'expired-access', expiresAt: epochSeconds() - 10 }));

    await store.delete('1001', 'github');
    await store.cleanupExpired();
    await settle();

    expect(recorded.of('session:deleted')).toEqual([
      { provider: 'github', userId: '1001' },
      { provider: 'google', userId: 'old' },
    ]);
    await mcp.close();
    await store.save(new SessionData({ userId: 'late', accessToken: 'late-access' }));
    await store.clearAll();
    await settle();
    expect(recorded.of('session:deleted')).toHaveLength(2);
  });

  it('watches a store that comes from the DI container', async () => {
    const fromDi = new MemorySessionStore();
    const server = new NextMCP({ name: 'di', version: '1' }).register(Tools).use(createAuthMiddleware({ provider: github() }));
    server.container.registerInstance(SESSION_STORE, fromDi);
    const recorded = recordEvents(server);
    try {
      await call(server, gh.issueToken('octocat'));
      await fromDi.clearAll();
      await settle();
      expect(recorded.events.filter((e) => e.event.startsWith('session:'))).toEqual([
        { event: 'session:created', payload: { provider: 'github', userId: '1001' } },
        { event: 'session:deleted', payload: { provider: 'github', userId: '1001' } },
      ]);
    } finally {
      await server.close();
    }
  });
});
