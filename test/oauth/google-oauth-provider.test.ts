import { GoogleOAuthProvider, type GoogleOAuthProviderOptions } from '../../src/auth/providers/google-oauth-provider';
import { OAuthProviderError } from '../../src/auth/oauth/oauth-errors';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';

describe('GoogleOAuthProvider against a fake Google', () => {
  let google: FakeGoogle;
  const alice = '110169484474386276334';
  const redirectUri = 'http://127.0.0.1:9/oauth/callback';

  const provider = (options: Partial<GoogleOAuthProviderOptions> = {}) =>
    new GoogleOAuthProvider({
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      redirectUri,
      endpoints: google.endpoints,
      ...options,
    });

  async function authorize(url: string): Promise<{ code: string; state: string }> {
    const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    return { code: location.searchParams.get('code')!, state: location.searchParams.get('state')! };
  }

  beforeEach(async () => {
    google = await startFakeGoogle();
  });
  afterEach(() => google.stop());

  it('authenticates with tokeninfo and userinfo; scopes as reported plus their short names', async () => {
    const result = await provider().authenticate({ access_token: google.issueToken(alice) });

    expect(result.success).toBe(true);
    expect(result.context?.userId).toBe(alice);
    expect(result.context?.username).toBe('alice@example.com');
    expect(result.context?.provider).toBe('google');
    expect([...result.context!.scopes].sort()).toEqual([
      'email',
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'openid',
      'profile',
    ]);
    expect(result.context?.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(result.context?.claims.email).toBe('alice@example.com');
  });

  it('sends the token to tokeninfo in a header, never in the URL', async () => {
    const seen: string[] = [];
    google.server.route('POST', '/tokeninfo', (req, res) => {
      seen.push(req.url.search, req.headers.authorization ?? '');
      res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_token"}');
    });
    const token = google.issueToken(alice);
    await provider().authenticate({ access_token: token });

    expect(seen).toEqual(['', `Bearer ${token}`]);
  });

  it('refuses a token issued to another client id', async () => {
    const token = google.issueToken(alice, { clientId: 'someone-elses-app.apps.googleusercontent.com' });
    const result = await provider().authenticate({ access_token: token });

    expect(result).toMatchObject({ success: false, reason: 'invalid_token' });
    expect(result.error).toContain('issued to another client');
    expect(result.error).not.toContain(token);
    expect(google.requestCount('/v1/userinfo')).toBe(0);
  });

  it('refuses an unknown or expired token with invalid_token', async () => {
    expect(await provider().authenticate({ access_token: 'ya29.unknown' })).toMatchObject({ reason: 'invalid_token' });
    const expired = google.issueToken(alice, { expiresIn: -10 });
    expect(await provider().authenticate({ access_token: expired })).toMatchObject({ success: false, reason: 'invalid_token' });
  });

  it('caches a result, but never past the token expiry', async () => {
    const google1 = provider({ cacheTtlSeconds: 600 });
    const lasting = google.issueToken(alice);
    await google1.authenticate({ access_token: lasting });
    await google1.authenticate({ access_token: lasting });
    expect(google.requestCount('/tokeninfo')).toBe(1);

    const brief = google.issueToken(alice, { expiresIn: 1 });
    await google1.authenticate({ access_token: brief });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await google1.authenticate({ access_token: brief })).toMatchObject({ success: false, reason: 'invalid_token' });
    expect(google.requestCount('/tokeninfo')).toBe(3);
  });

  it('gives provider_unavailable quickly when Google is slow or down', async () => {
    google.server.delay('/tokeninfo', 5_000);
    const started = Date.now();
    const slow = await provider({ timeoutMs: 250 }).authenticate({ access_token: google.issueToken(alice) });
    expect(slow).toMatchObject({ success: false, reason: 'provider_unavailable' });
    expect(Date.now() - started).toBeLessThan(3_000);

    google.server.delay('/tokeninfo', 0);
    google.server.failNext('/v1/userinfo', 503, { error: 'backendError' });
    expect(await provider().authenticate({ access_token: google.issueToken(alice) })).toMatchObject({
      reason: 'provider_unavailable',
    });
  });

  it('builds authorization URLs with access_type=offline, prompt=consent and PKCE', async () => {
    const { url } = await provider().generateAuthorizationUrl({ extraParams: { login_hint: 'alice@example.com', state: 'ignored' } });
    const params = new URL(url).searchParams;

    expect(url.startsWith(google.endpoints.authorizationUrl)).toBe(true);
    expect(params.get('access_type')).toBe('offline');
    expect(params.get('prompt')).toBe('consent');
    expect(params.get('scope')).toBe('openid email profile');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('login_hint')).toBe('alice@example.com');
    expect(params.get('state')).not.toBe('ignored');
  });

  it('exchanges a code, verifying the ID token, and refreshes keeping the refresh token Google did not rotate', async () => {
    const google1 = provider();
    const { url } = await google1.generateAuthorizationUrl();
    const { code, state } = await authorize(url);
    const token = await google1.exchangeCodeForToken(code, state);

    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3599, refresh_token: expect.stringMatching(/^1\/\//) });
    expect(token.id_token).toEqual(expect.any(String));
    expect(google.requestCount('/oauth2/v3/certs')).toBe(1);

    const refreshed = await google1.refreshAccessToken(token.refresh_token!);
    expect(refreshed.access_token).not.toBe(token.access_token);
    expect(refreshed.refresh_token).toBe(token.refresh_token);
    expect((await google1.authenticate({ access_token: refreshed.access_token })).success).toBe(true);
  });

  it('reports invalid_grant from the token endpoint (HTTP 400)', async () => {
    const failure = provider().refreshAccessToken('1//revoked');
    await expect(failure).rejects.toBeInstanceOf(OAuthProviderError);
    await expect(failure).rejects.toMatchObject({ reason: 'invalid_token', status: 400, providerError: 'invalid_grant' });
  });

  it('verifies ID tokens: issuer, audience and signature', async () => {
    const google1 = provider();
    await expect(google1.verifyIdToken(await google.mintIdToken(alice))).resolves.toMatchObject({ sub: alice });
    await expect(google1.verifyIdToken(await google.mintIdToken(alice, { iss: 'accounts.google.com' }))).resolves.toBeDefined();

    await expect(google1.verifyIdToken(await google.mintIdToken(alice, { aud: 'other-client' }))).rejects.toMatchObject({
      reason: 'invalid_token',
      message: expect.stringContaining('claim "aud"'),
    });
    await expect(google1.verifyIdToken(await google.mintIdToken(alice, { iss: 'https://evil.example' }))).rejects.toMatchObject({
      reason: 'invalid_token',
    });
    const forged = (await google.mintIdToken(alice)).replace(/\.[^.]+$/, '.AAAA');
    await expect(google1.verifyIdToken(forged)).rejects.toMatchObject({ reason: 'invalid_token' });
  });

  it('refuses a token response whose ID token is for another client', async () => {
    google.server.route('POST', '/token', async (_req, res) => {
      const idToken = await google.mintIdToken(alice, { aud: 'another-app' });
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ access_token: 'ya29.x', token_type: 'Bearer', id_token: idToken }));
    });
    const google1 = provider();
    const { state } = await google1.generateAuthorizationUrl();

    await expect(google1.exchangeCodeForToken('code', state)).rejects.toMatchObject({ reason: 'invalid_token' });
  });

  it('refuses a wrong client secret with the provider error code', async () => {
    await expect(provider({ clientSecret: 'wrong' }).refreshAccessToken('1//x')).rejects.toMatchObject({
      status: 401,
      providerError: 'invalid_client',
    });
  });
});
