import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthLoginFlow, type OAuthLoginResult } from '../../src/auth/oauth/oauth-login-flow';
import { RedirectNotAllowedError } from '../../src/auth/oauth/oauth-errors';
import { createOAuthRoutes, type OAuthRouteHandler, type OAuthRoutesOptions } from '../../src/auth/oauth/oauth-routes';
import { GitHubOAuthProvider } from '../../src/auth/providers/github-oauth-provider';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';
import { MockIssuerOAuthProvider } from './mock-issuer-provider';

/** A browser hop: one request, no redirect following, the state cookie carried by hand. */
interface Hop {
  status: number;
  location?: string;
  setCookie?: string;
  body: string;
  headers: Headers;
}

async function hop(url: string, cookie?: string, method = 'GET'): Promise<Hop> {
  const response = await fetch(url, { method, redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  return {
    status: response.status,
    location: response.headers.get('location') ?? undefined,
    setCookie: response.headers.get('set-cookie') ?? undefined,
    body: await response.text(),
    headers: response.headers,
  };
}

describe('server-hosted OAuth login (OAuthLoginFlow + createOAuthRoutes) over real HTTP', () => {
  let idp: TestIssuer;
  let gh: FakeGitHub;
  let server: Server;
  let base: string;
  let flow: OAuthLoginFlow;
  let logins: OAuthLoginResult[];
  let onLogin: OAuthRoutesOptions['onLogin'];
  let mock: MockIssuerOAuthProvider;
  const returnTo = 'https://app.example/signed-in';
  let idpStopped = false;

  beforeAll(async () => {
    idp = await startOidcIssuer();
    gh = await startFakeGitHub({ users: [{ id: 9, login: '<b>octo</b>' }] });
    let routes: OAuthRouteHandler = () => false;
    server = createServer((req, res) => {
      if (!routes(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    mock = new MockIssuerOAuthProvider(idp);
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
    flow = new OAuthLoginFlow({
      providers: [mock, github],
      redirectUri: `${base}/oauth/callback`,
      allowedReturnUrls: [returnTo],
    });
    routes = createOAuthRoutes(flow, { onLogin: (result, req) => onLogin(result, req) });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    if (!idpStopped) await idp.stop();
    await gh.stop();
  });

  beforeEach(() => {
    logins = [];
    onLogin = (result) => {
      logins.push(result);
    };
  });

  /** authorize route -> provider authorize -> callback URL (not yet requested). */
  async function startLogin(query: string): Promise<{ callbackUrl: string; cookie: string; providerUrl: string }> {
    const start = await hop(`${base}/oauth/authorize?${query}`);
    expect(start.status).toBe(302);
    const atProvider = await hop(start.location!);
    expect(atProvider.status).toBe(302);
    return { callbackUrl: atProvider.location!, cookie: start.setCookie!.split(';')[0], providerUrl: start.location! };
  }

  it('logs a user in: PKCE redirect, code exchange at the provider, onLogin, HTML page', async () => {
    const start = await hop(`${base}/oauth/authorize?provider=mock`);
    const params = new URL(start.location!).searchParams;
    expect(start.location!.startsWith(`${idp.url}/authorize`)).toBe(true);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe(`${base}/oauth/callback`);
    expect(params.get('state')).toMatch(/^mock\./);
    expect(start.setCookie).toMatch(/^nextmcp_oauth_state=[^;]+; Path=\/oauth\/callback; HttpOnly; SameSite=Lax/);

    const atProvider = await hop(start.location!);
    const done = await hop(atProvider.location!, start.setCookie!.split(';')[0]);

    expect(done.status).toBe(200);
    expect(done.body).toContain('Signed in with mock as johndoe');
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(done.headers.get('referrer-policy')).toBe('no-referrer');
    expect(logins).toHaveLength(1);
    const [login] = logins;
    expect(login.provider.name).toBe('mock');
    expect(login.authContext.userId).toBe('johndoe');
    expect(login.token).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String), id_token: expect.any(String) });
    expect(done.body).not.toContain(login.token.access_token);
  });

  it('refuses a replayed callback (state already used)', async () => {
    const { callbackUrl, cookie } = await startLogin('provider=mock');
    expect((await hop(callbackUrl, cookie)).status).toBe(200);
    const replay = await hop(callbackUrl, cookie);

    expect(replay.status).toBe(400);
    expect(replay.body).toContain('unknown, expired or already used');
    expect(logins).toHaveLength(1);
  });

  it('refuses a callback in a browser that did not start the login (login CSRF)', async () => {
    const { callbackUrl } = await startLogin('provider=mock');
    const elsewhere = await hop(callbackUrl);

    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('not started in this browser');
    expect(logins).toHaveLength(0);
  });

  it('sends the browser to an allowed returnTo, and refuses any other (no open redirect)', async () => {
    const { callbackUrl, cookie } = await startLogin(`provider=mock&return_to=${encodeURIComponent(returnTo)}`);
    const done = await hop(callbackUrl, cookie);
    expect(done.status).toBe(303);
    expect(done.location).toBe(returnTo);

    for (const evil of ['https://evil.example/', `${returnTo}/../../evil`, `${returnTo}?x=1`, '//evil.example']) {
      const refused = await hop(`${base}/oauth/authorize?provider=mock&return_to=${encodeURIComponent(evil)}`);
      expect(refused.status).toBe(400);
      expect(refused.location).toBeUndefined();
    }
    await expect(flow.begin('mock', { redirectUri: 'https://evil.example/cb' })).rejects.toBeInstanceOf(RedirectNotAllowedError);
  });

  it('refuses a code whose PKCE challenge does not match the stored verifier (checked by the server)', async () => {
    const start = await hop(`${base}/oauth/authorize?provider=mock`);
    const tampered = new URL(start.location!);
    tampered.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const atProvider = await hop(tampered.toString());
    const done = await hop(atProvider.location!, start.setCookie!.split(';')[0]);

    expect(done.status).toBe(400);
    expect(done.body).toContain('mock token endpoint answered HTTP 400 with error &quot;invalid_request&quot;');
    expect(logins).toHaveLength(0);
  });

  it('shows a cancelled login when the provider sends ?error=access_denied', async () => {
    const done = await hop(`${base}/oauth/callback?error=access_denied&state=mock.whatever`);
    expect(done.status).toBe(400);
    expect(done.body).toContain('Authorization was not granted (error &quot;access_denied&quot;)');
  });

  it('routes each callback to the provider that issued its state (two providers on one server)', async () => {
    const { callbackUrl, cookie, providerUrl } = await startLogin('provider=github&scope=read:user');
    expect(providerUrl.startsWith(gh.endpoints.authorizationUrl)).toBe(true);

    // The same state relabelled for the other provider is unknown there.
    const relabelled = new URL(callbackUrl);
    relabelled.searchParams.set('state', relabelled.searchParams.get('state')!.replace(/^github\./, 'mock.'));
    await expect(flow.complete(relabelled.searchParams)).rejects.toThrow('unknown, expired or already used');

    const done = await hop(callbackUrl, cookie);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Signed in with github as &lt;b&gt;octo&lt;/b&gt;');
    expect(logins[0].authContext).toMatchObject({ provider: 'github', userId: '9' });
    expect(logins[0].requestedScopes).toEqual(['read:user']);
  });

  it('refuses an explicit verifier other than the stored one, before calling the token endpoint', async () => {
    const { callbackUrl } = await startLogin('provider=mock');
    const callback = new URL(callbackUrl).searchParams;
    const before = idp.requestCount('/token');
    const wrongVerifier = (await mock.generateAuthorizationUrl({ redirectUri: `${base}/oauth/callback` })).verifier;

    await expect(mock.exchangeCodeForToken(callback.get('code')!, callback.get('state')!, wrongVerifier)).rejects.toThrow(
      'verifier does not match',
    );
    expect(idp.requestCount('/token')).toBe(before);
  });

  it('answers 500 without details when onLogin fails', async () => {
    onLogin = () => {
      throw new Error('session store down');
    };
    const { callbackUrl, cookie } = await startLogin('provider=mock');
    const broken = await hop(callbackUrl, cookie);

    expect(broken.status).toBe(500);
    expect(broken.body).not.toContain('session store down');
  });

  it('answers unknown providers with 400, other methods with 405, other paths not at all', async () => {
    const unknown = await hop(`${base}/oauth/authorize?provider=nope`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('mock, github');
    expect((await hop(`${base}/oauth/callback`, undefined, 'POST')).status).toBe(405);
    expect((await hop(`${base}/mcp`)).status).toBe(404);
  });

  it('refreshes with rotation through the provider the login used', async () => {
    const { callbackUrl, cookie } = await startLogin('provider=mock');
    await hop(callbackUrl, cookie);
    const { provider, token } = logins[0];
    const refreshed = await provider.refreshAccessToken(token.refresh_token!);

    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(token.refresh_token);
    expect((await provider.authenticate({ access_token: refreshed.access_token })).success).toBe(true);
  });

  // Last: it stops the issuer.
  it('answers 503 quickly, not a hang, when the provider is down at the callback', async () => {
    const { callbackUrl, cookie } = await startLogin('provider=mock');
    await idp.stop();
    idpStopped = true;
    const started = Date.now();
    const outage = await hop(callbackUrl, cookie);

    expect(outage.status).toBe(503);
    expect(outage.body).toContain('mock token endpoint could not be reached');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(logins).toHaveLength(0);
  });
});
