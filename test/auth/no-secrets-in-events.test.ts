import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ApiKeyProvider,
  GitHubOAuthProvider,
  JwtProvider,
  NextMCP,
  RequiresScope,
  Tool,
  createAuthMiddleware,
  type ToolContext,
} from '../../src';
import { MemorySessionStore, SessionData } from '../../src/session';
import { epochSeconds } from '../../src/session/session-data';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';
import { recordEvents, settle } from '../support/event-recorder';
import { recordingLogger } from '../session/store-contract';
import { freePort } from '../support/ports';

/*
 * DESIGN §9: no event payload and no log line ever holds a token, code, secret or credential. The
 * test mints every kind of secret the package handles, runs the whole flow through it — a
 * server-hosted login, allowed calls with each provider, refusals, a refresh, a failed refresh,
 * deletes — and searches everything the listeners and the logger received.
 */

class Tools {
  @Tool()
  whoami(_args: unknown, { auth }: ToolContext) {
    return { user: auth!.userId };
  }

  @Tool()
  @RequiresScope('notes:write')
  write() {
    return 'written';
  }
}


describe('no token, code, secret or credential in any event payload or log line', () => {
  let gh: FakeGitHub;
  let idp: TestIssuer;
  beforeAll(async () => {
    gh = await startFakeGitHub({ users: [{ id: 1001, login: 'octocat' }], expiringTokens: true, clientSecret: `gh-secret-${randomBytes(12).toString('hex')}` });
    idp = await startOidcIssuer();
  });
  afterAll(async () => {
    await gh.stop();
    await idp.stop();
  });

  it('through login, calls, refusals, refresh and delete', async () => {
    const secrets: string[] = [gh.clientSecret];
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const resource = `${base}/mcp`;
    const apiKey = ApiKeyProvider.generateKey();
    secrets.push(apiKey);
    const store = new MemorySessionStore();
    const github = new GitHubOAuthProvider({
      clientId: gh.clientId,
      clientSecret: gh.clientSecret,
      endpoints: gh.endpoints,
      redirectUri: `${base}/oauth/callback`,
      cacheTtlSeconds: 0,
    });
    const logger = recordingLogger();
    const mcp = new NextMCP({ name: 'secrets', version: '1', logger }).register(Tools);
    mcp.use(
      createAuthMiddleware({
        providers: [
          github,
          new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url, audience: resource }),
          new ApiKeyProvider({ keys: { [apiKey]: { userId: 'robot', scopes: ['notes:write'] } } }),
        ],
        sessionStore: store,
      }),
    );
    mcp.enableOAuthLogin({ providers: [github] });
    const recorded = recordEvents(mcp);
    mcp.on('auth:allowed', () => {
      throw new Error('a listener that fails is logged too');
    });
    await mcp.listen({ transport: 'http', port, resourceUrl: resource });

    try {
      // A server-hosted login: the browser's trip through /oauth/authorize and the callback.
      const start = await fetch(`${base}/oauth/authorize?provider=github`, { redirect: 'manual' });
      const cookie = start.headers.get('set-cookie')!.split(';')[0];
      const callback = new URL((await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!);
      secrets.push(callback.searchParams.get('code')!, callback.searchParams.get('state')!, cookie.split('=')[1]);
      const page = await (await fetch(callback, { headers: { cookie } })).text();
      const githubToken = /<code>([^<]+)<\/code>/.exec(page)![1];
      const loggedIn = (await store.load('1001', 'github'))!;
      secrets.push(githubToken, loggedIn.refreshToken!);

      const jwt = await idp.mintToken({ sub: 'jwt-user', scope: 'notes:write', aud: resource });
      const expiredJwt = await idp.mintToken({ sub: 'jwt-user', aud: resource, expiresIn: -60 });
      const otherAudience = await idp.mintToken({ sub: 'jwt-user', aud: 'https://elsewhere.example/mcp' });
      secrets.push(jwt, expiredJwt, otherAudience);

      const callOverHttp = async (headers: Record<string, string>, tool: string) => {
        const client = new Client({ name: 'secrets', version: '1' });
        try {
          await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers } }));
          return await client.callTool({ name: tool, arguments: {} });
        } catch {
          return undefined; // refusals are what this test wants; their events are checked below
        } finally {
          await client.close();
        }
      };
      await callOverHttp({ authorization: `Bearer ${githubToken}` }, 'whoami');
      await callOverHttp({ authorization: `Bearer ${githubToken}` }, 'write');
      await callOverHttp({ authorization: `Bearer ${jwt}` }, 'write');
      await callOverHttp({ 'x-api-key': apiKey }, 'write');
      await callOverHttp({ authorization: `Bearer ${expiredJwt}` }, 'whoami');
      await callOverHttp({ authorization: `Bearer ${otherAudience}` }, 'whoami');
      await callOverHttp({ authorization: `Bearer ${githubToken.slice(0, -2)}xx` }, 'whoami');
      const inMemory = await connectTestClient(mcp, { credentials: { api_key: apiKey } });
      await inMemory.client.callTool({ name: 'whoami', arguments: {} });
      inMemory.setCredentials({ access_token: githubToken });
      await inMemory.client.callTool({ name: 'write', arguments: {} }).catch(() => undefined);
      await inMemory.close();

      // The session's provider token is about to expire: the next call refreshes it.
      await store.save(new SessionData({ ...loggedIn.toJSON(), expiresAt: epochSeconds() + 60 }));
      await callOverHttp({ authorization: `Bearer ${githubToken}` }, 'whoami');
      const refreshed = (await store.load('1001', 'github'))!;
      secrets.push(refreshed.accessToken, refreshed.refreshToken!);
      // A refresh token the provider refuses.
      await store.save(new SessionData({ ...refreshed.toJSON(), refreshToken: 'refused-refresh-token-0123456789', expiresAt: epochSeconds() + 60 }));
      secrets.push('refused-refresh-token-0123456789');
      await callOverHttp({ authorization: `Bearer ${refreshed.accessToken}` }, 'whoami');
      await store.delete('1001', 'github');
      await settle();
      await settle();
    } finally {
      await mcp.close();
    }

    const kinds = new Set(recorded.events.map((e) => e.event));
    expect([...kinds].sort()).toEqual(['auth:allowed', 'auth:denied', 'session:created', 'session:deleted', 'session:refresh_failed', 'session:refreshed']);
    expect(recorded.of('auth:denied').map((e) => e.reason).sort()).toEqual(
      expect.arrayContaining(['authentication_required', 'insufficient_scope', 'invalid_token', 'token_expired']),
    );
    expect(logger.lines.some((l) => l.message === 'an auth event listener failed')).toBe(true);

    const everything = JSON.stringify({ events: recorded.events, logs: logger.lines });
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(16);
      expect(everything).not.toContain(secret);
      // No long piece of it either (a JWT's payload or signature on its own).
      for (const part of secret.split('.').filter((p) => p.length >= 16)) expect(everything).not.toContain(part);
    }
  }, 30_000);
});
