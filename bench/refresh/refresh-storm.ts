import { performance } from 'node:perf_hooks';
import { GitHubOAuthProvider, MemorySessionStore, SessionData, createAuthMiddleware } from '../../src';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../../test/support/fake-github';
import { ECHO_TOOL, checkEcho, echoText, nextEchoServer } from '../fixtures/echo';

const TOKEN_PATH = '/login/oauth/access_token';

export interface RefreshStormResult {
  calls: number;
  /** Requests that reached the provider's token endpoint during the storm (the target is 1). */
  refreshRequests: number;
  /** Requests to GitHub's `/user` (token validation) during the storm. */
  userInfoRequests: number;
  errors: number;
  firstError?: string;
  durationMs: number;
}

/** Signs the bench user in at the fake GitHub (authorization code + PKCE) for real refresh tokens. */
async function signIn(gh: FakeGitHub, github: GitHubOAuthProvider) {
  const { url, state } = await github.generateAuthorizationUrl();
  const location = (await fetch(url, { redirect: 'manual' })).headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error('fake GitHub did not redirect with a code');
  return github.exchangeCodeForToken(code, state);
}

/**
 * `calls` concurrent tool calls with a GitHub token whose session is about to expire (inside the
 * refresh buffer): the session authenticator must refresh once and let every call wait for it.
 */
export async function refreshStorm(calls = 1000): Promise<RefreshStormResult> {
  const gh = await startFakeGitHub({ users: [{ id: 4242, login: 'bench' }], expiringTokens: true });
  const github = new GitHubOAuthProvider({
    clientId: gh.clientId,
    clientSecret: gh.clientSecret,
    redirectUri: 'http://127.0.0.1:9/callback',
    endpoints: gh.endpoints,
  });
  const sessionStore = new MemorySessionStore();
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: github, sessionStore }));
  try {
    const tokens = await signIn(gh, github);
    await sessionStore.save(
      new SessionData({
        userId: '4242',
        provider: github.name,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: Math.floor(Date.now() / 1000) + 60, // inside the default 300 s refresh buffer
        scopes: ['read:user'],
      }),
    );
    const connection = await connectTestClient(mcp, { credentials: { access_token: tokens.access_token } });
    // The refresh takes a little while, as a real one does, so the whole storm arrives during it.
    gh.server.delay(TOKEN_PATH, 25);
    gh.server.resetCounts();
    const started = performance.now();
    const answers = await Promise.allSettled(
      Array.from({ length: calls }, (_, n) => connection.client.callTool({ name: ECHO_TOOL, arguments: { text: echoText(n) } })),
    );
    const durationMs = performance.now() - started;
    const wrong = answers
      .map((a, n) => (a.status === 'fulfilled' ? checkEcho(a.value, echoText(n)) : String(a.reason)))
      .filter((reason): reason is string => reason !== undefined);
    const result: RefreshStormResult = {
      calls,
      refreshRequests: gh.requestCount(TOKEN_PATH),
      userInfoRequests: gh.requestCount('/user'),
      errors: wrong.length,
      ...(wrong.length > 0 && { firstError: wrong[0] }),
      durationMs,
    };
    await connection.close();
    return result;
  } finally {
    await mcp.close();
    await gh.stop();
  }
}
