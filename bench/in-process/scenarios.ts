import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ApiKeyProvider, GitHubOAuthProvider, JwtProvider, MemorySessionStore, SessionData, createAuthMiddleware } from '../../src';
import { connectTestClient } from '../../src/testing';
import type { Credentials } from '../../src/auth/provider';
import type { NextMCP } from '../../src/server/next-mcp';
import { startFakeGitHub } from '../../test/support/fake-github';
import { nextEchoServer, sdkEchoServer } from '../fixtures/echo';
import type { LocalIssuer } from '../fixtures/local-jwks';
import type { OpenScenario } from '../lib/scenario';
import { IN_PROCESS_BASELINE, IN_PROCESS_NOISE_CHECK, echoScenario } from './echo-client';

const AUDIENCE = 'urn:nextmcp:bench';

/** The baseline: the SDK's `McpServer` and `Client` over `InMemoryTransport`, no auth. */
export async function sdkBaseline(): Promise<OpenScenario> {
  const server = sdkEchoServer();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await server.connect(serverSide);
  await client.connect(clientSide);
  return echoScenario(IN_PROCESS_BASELINE, client, async () => {
    await client.close();
    await server.close();
  });
}

/**
 * A second, identical SDK server measured against the baseline like every other scenario: its
 * ratio would be exactly 1 on a quiet machine, so its distance from 1 is this run's noise.
 */
export async function sdkNoiseCheck(): Promise<OpenScenario> {
  const scenario = await sdkBaseline();
  return { ...scenario, name: IN_PROCESS_NOISE_CHECK };
}

async function nextScenario(name: string, mcp: NextMCP, credentials?: Credentials, after?: () => Promise<void>): Promise<OpenScenario> {
  const connection = await connectTestClient(mcp);
  return echoScenario(
    name,
    connection.client,
    async () => {
      await connection.close();
      await mcp.close();
      await after?.();
    },
    credentials,
  );
}

export function nextNoAuth(): Promise<OpenScenario> {
  return nextScenario('NextMCP, no auth', nextEchoServer());
}

/** JwtProvider verifying RS256 tokens against a local JWKS endpoint (verified-token cache on). */
export async function nextJwt(issuer: LocalIssuer): Promise<OpenScenario> {
  const jwt = new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url, audience: AUDIENCE });
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: jwt, requiredScopes: ['echo'] }));
  const token = await issuer.mint({ audience: AUDIENCE, scope: 'echo' });
  return nextScenario('NextMCP + JwtProvider (RS256, JWKS)', mcp, { access_token: token });
}

export function nextApiKey(): Promise<OpenScenario> {
  const key = ApiKeyProvider.generateKey();
  const provider = new ApiKeyProvider({ keys: { [key]: { userId: 'bench-user', scopes: ['echo'] } } });
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider, requiredScopes: ['echo'] }));
  return nextScenario('NextMCP + ApiKeyProvider', mcp, { api_key: key });
}

/**
 * GitHubOAuthProvider (against a local fake GitHub) whose token is already a session's access
 * token: each call is answered from the session store's token-hash index, with no provider call.
 */
export async function nextOAuthSession(): Promise<OpenScenario> {
  const gh = await startFakeGitHub({ users: [{ id: 4242, login: 'bench' }] });
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
  const sessionStore = new MemorySessionStore();
  const token = gh.issueToken('bench', ['read:user']);
  await sessionStore.save(
    new SessionData({ userId: '4242', provider: 'github', accessToken: token, scopes: ['read:user'], expiresAt: Math.floor(Date.now() / 1000) + 8 * 3600 }),
  );
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: github, sessionStore, requiredScopes: ['read:user'] }));
  const scenario = await nextScenario('NextMCP + GitHub OAuth (token in session)', mcp, { access_token: token }, () => gh.stop());
  return {
    ...scenario,
    // A call that reached GitHub did not find its token in the session: that is not this scenario.
    measure: async (windowMs) => {
      const before = gh.requestCount('/user');
      const sample = await scenario.measure(windowMs);
      const providerCalls = gh.requestCount('/user') - before;
      if (providerCalls === 0) return sample;
      return { ...sample, errors: sample.errors + providerCalls, firstError: sample.firstError ?? `${providerCalls} calls asked GitHub` };
    },
  };
}
