import 'reflect-metadata';
import { container as rootContainer } from 'tsyringe';
import { GitHubOAuthProvider, NextMCP, RequiresAuth, SESSION_STORE, Tool, createAuthMiddleware } from '../../src';
import { MemorySessionStore } from '../../src/session';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';

/*
 * A session vouches for its token only for `sessionTrustSeconds`; after that the provider is asked
 * again, so a token revoked at the provider (a classic GitHub token never expires) stops working.
 */

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 77, login: 'rev' }] });
});
afterAll(() => gh.stop());

function server(sessionTrustSeconds: number | undefined, store = new MemorySessionStore()) {
  // The provider's defaults, as a user writes it.
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
  const mcp = new NextMCP({ name: 'trust', version: '1' }).tool('ping', {}, async () => 'pong');
  mcp.use(createAuthMiddleware({ provider: github, sessionStore: store, sessionTrustSeconds }));
  return { mcp, store };
}

async function ping(mcp: NextMCP, token: string) {
  const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
  try {
    return await client.callTool({ name: 'ping', arguments: {} });
  } finally {
    await close();
  }
}

describe('session trust window', () => {
  it('within the window, the session answers without the provider (even after revocation)', async () => {
    const { mcp } = server(undefined);
    const token = gh.issueToken('rev');
    await ping(mcp, token);
    const calls = gh.requestCount('/user');
    gh.revokeToken(token);
    expect((await ping(mcp, token)).content).toEqual([{ type: 'text', text: 'pong' }]);
    expect(gh.requestCount('/user')).toBe(calls);
    await mcp.close();
  });

  it('after the window, the provider itself is asked again (not a cache of its answers): a revoked token is refused', async () => {
    const { mcp, store } = server(0);
    const token = gh.issueToken('rev');
    await ping(mcp, token);
    const first = await store.findByAccessToken(token);
    const calls = gh.requestCount('/user');
    expect((await ping(mcp, token)).content).toEqual([{ type: 'text', text: 'pong' }]);
    expect(gh.requestCount('/user')).toBe(calls + 1);
    expect((await store.findByAccessToken(token))!.updatedAt).toBeGreaterThanOrEqual(first!.updatedAt);
    gh.revokeToken(token);
    await expect(ping(mcp, token)).rejects.toMatchObject({ code: -31001, data: { error: 'invalid_token' } });
    await mcp.close();
  });
});

describe('a SESSION_STORE from DI used only by decorators', () => {
  it('is closed by mcp.close()', async () => {
    const store = new MemorySessionStore();
    const closed = jest.spyOn(store, 'close');
    const container = rootContainer.createChildContainer();
    container.register(SESSION_STORE, { useValue: store });
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
    class Tools {
      @Tool() @RequiresAuth(github) me() {
        return 'me';
      }
    }
    const mcp = new NextMCP({ name: 'di-store', version: '1', container }).register(Tools);
    const token = gh.issueToken('rev');
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
    expect((await client.callTool({ name: 'me', arguments: {} })).content).toEqual([{ type: 'text', text: 'me' }]);
    await close();
    expect(await store.findByAccessToken(token)).toMatchObject({ userId: '77', provider: 'github' });
    await mcp.close();
    expect(closed).toHaveBeenCalled();
  });
});
