import { ApiKeyProvider, GitHubOAuthProvider, JwtProvider, MemorySessionStore, SessionData, createAuthMiddleware } from '../../src';
import type { NextMCP } from '../../src/server/next-mcp';
import { startFakeGitHub } from '../../test/support/fake-github';
import { nextEchoServer, sdkEchoServer } from '../fixtures/echo';
import type { LocalIssuer } from '../fixtures/local-jwks';
import {
  IN_PROCESS_BASELINE,
  IN_PROCESS_NOISE_CHECK,
  assertValidatesInput,
  connectSdk,
  connectNext,
  type EchoConnection,
  type NextConnectionOptions,
} from './echo-client';

/*
 * The in-process servers, each written as its users write it and connected as they connect it:
 * the server side through its own `connect()` on one end of `InMemoryTransport.createLinkedPair()`,
 * a plain SDK `Client` on the other. Each checks at opening that its tool validates its input.
 */

const AUDIENCE = 'urn:nextmcp:bench';

async function opened(connection: EchoConnection): Promise<EchoConnection> {
  try {
    await assertValidatesInput(connection);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

/** The baseline: the SDK's `McpServer` with `registerTool('echo', { inputSchema: { text: z.string() } })`, no auth. */
export async function sdkBaseline(name = IN_PROCESS_BASELINE): Promise<EchoConnection> {
  return opened(await connectSdk(name, sdkEchoServer()));
}

/**
 * A second, identical SDK server measured against the baseline like every other scenario: its
 * ratio would be exactly 1 on a quiet machine, so its distance from 1 is this run's noise.
 */
export function sdkNoiseCheck(): Promise<EchoConnection> {
  return sdkBaseline(IN_PROCESS_NOISE_CHECK);
}

/** A NextMCP connection that has passed the self-check. */
async function nextConnection(name: string, mcp: NextMCP, options?: NextConnectionOptions): Promise<EchoConnection> {
  return opened(await connectNext(name, mcp, options));
}

export function nextNoAuth(): Promise<EchoConnection> {
  return nextConnection('NextMCP, no auth', nextEchoServer());
}

/** JwtProvider verifying RS256 tokens against a local JWKS endpoint (verified-token cache on). */
export async function nextJwt(issuer: LocalIssuer): Promise<EchoConnection> {
  const jwt = new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url, audience: AUDIENCE });
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: jwt, requiredScopes: ['echo'] }));
  const token = await issuer.mint({ audience: AUDIENCE, scope: 'echo' });
  return nextConnection('NextMCP + JwtProvider (RS256, JWKS)', mcp, { credentials: { access_token: token } });
}

export function nextApiKey(): Promise<EchoConnection> {
  const key = ApiKeyProvider.generateKey();
  const provider = new ApiKeyProvider({ keys: { [key]: { userId: 'bench-user', scopes: ['echo'] } } });
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider, requiredScopes: ['echo'] }));
  return nextConnection('NextMCP + ApiKeyProvider', mcp, { credentials: { api_key: key } });
}

/**
 * GitHubOAuthProvider (against a local fake GitHub) whose token is already a session's access
 * token: each call is answered from the session store, with no provider call.
 */
export async function nextOAuthSession(): Promise<EchoConnection> {
  const gh = await startFakeGitHub({ users: [{ id: 4242, login: 'bench' }] });
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
  const sessionStore = new MemorySessionStore();
  const token = gh.issueToken('bench', ['read:user']);
  await sessionStore.save(
    new SessionData({ userId: '4242', provider: 'github', accessToken: token, scopes: ['read:user'], expiresAt: Math.floor(Date.now() / 1000) + 8 * 3600 }),
  );
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: github, sessionStore, requiredScopes: ['read:user'] }));
  return nextConnection('NextMCP + GitHub OAuth (token in session)', mcp, {
    credentials: { access_token: token },
    // A call that reached GitHub did not find its token in the session: that is not this scenario.
    strayRequests: { count: () => gh.requestCount('/user'), meaning: 'calls asked GitHub' },
    after: () => gh.stop(),
  });
}
