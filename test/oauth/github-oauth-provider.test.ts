import { GitHubOAuthProvider, type GitHubOAuthProviderOptions } from '../../src/auth/providers/github-oauth-provider';
import { OAuthProviderError, OAuthStateError } from '../../src/auth/oauth/oauth-errors';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';

describe('GitHubOAuthProvider against a fake GitHub', () => {
  let gh: FakeGitHub;
  const redirectUri = 'http://127.0.0.1:9/oauth/callback';

  const provider = (options: Partial<GitHubOAuthProviderOptions> = {}) =>
    new GitHubOAuthProvider({
      clientId: gh.clientId,
      clientSecret: gh.clientSecret,
      redirectUri,
      endpoints: gh.endpoints,
      ...options,
    });

  /** Runs the browser's part: GET the authorization URL, read code and state from the redirect. */
  async function authorize(url: string): Promise<{ code: string; state: string }> {
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    return { code: location.searchParams.get('code')!, state: location.searchParams.get('state')! };
  }

  beforeEach(async () => {
    gh = await startFakeGitHub({
      users: [{ id: 583231, login: 'octocat', name: 'The Octocat', orgs: ['acme', 'other'], teams: ['acme/admins'] }],
    });
  });
  afterEach(() => gh.stop());

  it('authenticates a token: numeric id as userId, login as username, scopes from X-OAuth-Scopes', async () => {
    const token = gh.issueToken('octocat', ['read:user', 'repo']);
    const result = await provider().authenticate({ access_token: token });

    expect(result.success).toBe(true);
    expect(result.context?.userId).toBe('583231');
    expect(result.context?.username).toBe('octocat');
    expect(result.context?.provider).toBe('github');
    expect([...result.context!.scopes].sort()).toEqual(['read:user', 'repo']);
  });

  it('ignores scopes and roles the client claims', async () => {
    const token = gh.issueToken('octocat', ['read:user']);
    const result = await provider().authenticate({ access_token: token, scopes: ['admin'], roles: ['admin'] });

    expect(result.context?.hasScope('admin')).toBe(false);
    expect(result.context?.hasRole('admin')).toBe(false);
  });

  it('refuses an unknown token with invalid_token, naming the status and never the token', async () => {
    const token = 'gho_not-a-real-token-123456';
    const result = await provider().authenticate({ access_token: token });

    expect(result).toMatchObject({ success: false, reason: 'invalid_token' });
    expect(result.error).toContain('401');
    expect(result.error).not.toContain(token);
  });

  it('refuses missing credentials without calling GitHub', async () => {
    expect(await provider().authenticate({})).toMatchObject({ success: false, reason: 'invalid_token' });
    expect(gh.requestCount('/user')).toBe(0);
  });

  it('caches an accepted token with cacheTtlSeconds: a second authenticate makes no request', async () => {
    const github = provider({ cacheTtlSeconds: 60 });
    const token = gh.issueToken('octocat');
    await github.authenticate({ access_token: token });
    const again = await github.authenticate({ access_token: token });

    expect(again.success).toBe(true);
    expect(gh.requestCount('/user')).toBe(1);
  });

  it('shares one provider request between concurrent validations of a token', async () => {
    const github = provider();
    const token = gh.issueToken('octocat');
    const results = await Promise.all([1, 2, 3].map(() => github.authenticate({ access_token: token })));

    expect(results.every((r) => r.success)).toBe(true);
    expect(gh.requestCount('/user')).toBe(1);
  });

  it('does not cache refusals, and by default validates every time', async () => {
    const github = provider();
    const token = gh.issueToken('octocat');
    await github.authenticate({ access_token: token });
    await github.authenticate({ access_token: token });
    await github.authenticate({ access_token: 'bad-token' });
    await github.authenticate({ access_token: 'bad-token' });

    expect(gh.requestCount('/user')).toBe(4);
  });

  it('turns a slow API into provider_unavailable within the timeout, not a hang', async () => {
    gh.server.delay('/user', 5_000);
    const started = Date.now();
    const result = await provider({ timeoutMs: 200 }).authenticate({ access_token: gh.issueToken('octocat') });

    expect(result).toMatchObject({ success: false, reason: 'provider_unavailable' });
    expect(result.error).toContain('timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('maps 5xx, connection refused and rate limiting to provider_unavailable', async () => {
    const token = gh.issueToken('octocat');
    gh.server.failNext('/user', 502, '<html>bad gateway</html>');
    expect(await provider().authenticate({ access_token: token })).toMatchObject({ reason: 'provider_unavailable' });

    gh.server.failNext('/user', 403, { message: 'API rate limit exceeded' }, { headers: { 'X-RateLimit-Remaining': '0' } });
    expect(await provider().authenticate({ access_token: token })).toMatchObject({ reason: 'provider_unavailable' });

    const down = provider({ endpoints: { ...gh.endpoints, apiBaseUrl: 'http://127.0.0.1:1' } });
    const refused = await down.authenticate({ access_token: token });
    expect(refused).toMatchObject({ success: false, reason: 'provider_unavailable' });
    expect(refused.error).toContain('could not be reached');
  });

  it('maps org and team membership to roles, following pagination', async () => {
    gh.addUser({
      id: 7,
      login: 'many-orgs',
      orgs: Array.from({ length: 150 }, (_, i) => `org${i}`),
      teams: ['Acme/Admins'],
    });
    const github = provider({ roleMapping: { orgs: { org149: ['member'] }, teams: { 'acme/admins': ['admin'] } } });
    const result = await github.authenticate({ access_token: gh.issueToken('many-orgs', ['read:user', 'read:org']) });

    expect([...result.context!.roles].sort()).toEqual(['admin', 'member']);
    expect(gh.requestCount('/user/orgs')).toBe(2);
    expect(result.context?.metadata.teams).toEqual(['acme/admins']);
  });

  it('grants no team roles when read:org was not granted (fewer roles, never an error)', async () => {
    const github = provider({ roleMapping: { orgs: { acme: ['member'] }, teams: { 'acme/admins': ['admin'] } } });
    const result = await github.authenticate({ access_token: gh.issueToken('octocat', ['read:user']) });

    expect(result.success).toBe(true);
    expect([...result.context!.roles]).toEqual(['member']);
  });

  it('runs the authorization-code flow with PKCE and returns the wire-format token response', async () => {
    const github = provider({ scopes: ['read:user', 'repo'] });
    const { url, state, verifier } = await github.generateAuthorizationUrl();
    const params = new URL(url).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('client_id')).toBe(gh.clientId);
    expect(params.get('redirect_uri')).toBe(redirectUri);
    expect(params.get('scope')).toBe('read:user repo');
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    const callback = await authorize(url);
    expect(callback.state).toBe(state);
    const token = await github.exchangeCodeForToken(callback.code, callback.state, verifier);

    expect(token).toMatchObject({ token_type: 'bearer', scope: 'read:user repo' });
    expect((await github.authenticate({ access_token: token.access_token })).context?.userId).toBe('583231');
  });

  it('reads a form-encoded token response', async () => {
    gh.tokenFormat = 'form';
    const github = provider();
    const { url } = await github.generateAuthorizationUrl();
    const { code, state } = await authorize(url);
    const token = await github.exchangeCodeForToken(code, state);

    expect(token.access_token).toMatch(/^gho_/);
    expect(token.token_type).toBe('bearer');
  });

  it('turns { error: "bad_verification_code" } sent with HTTP 200 into an error naming the code', async () => {
    const github = provider();
    const { state } = await github.generateAuthorizationUrl();
    const failure = github.exchangeCodeForToken('wrong-code', state);

    await expect(failure).rejects.toBeInstanceOf(OAuthProviderError);
    await expect(failure).rejects.toMatchObject({
      reason: 'invalid_token',
      providerError: 'bad_verification_code',
      message: expect.stringContaining('HTTP 200 with error "bad_verification_code"'),
    });
  });

  it('refuses a state it never issued, a reused state, and a verifier that is not the stored one', async () => {
    const github = provider();
    await expect(github.exchangeCodeForToken('code', 'never-issued-state-value')).rejects.toBeInstanceOf(OAuthStateError);

    const first = await github.generateAuthorizationUrl();
    const callback = await authorize(first.url);
    await github.exchangeCodeForToken(callback.code, callback.state);
    await expect(github.exchangeCodeForToken(callback.code, callback.state)).rejects.toBeInstanceOf(OAuthStateError);

    const second = await github.generateAuthorizationUrl();
    const other = await authorize(second.url);
    await expect(github.exchangeCodeForToken(other.code, other.state, first.verifier)).rejects.toThrow(/verifier does not match/);
    expect(gh.requestCount('/login/oauth/access_token')).toBe(1);
  });

  it('refreshes expiring GitHub App tokens with rotation; the old refresh token is then dead', async () => {
    gh.expiringTokens = true;
    const github = provider();
    const { url } = await github.generateAuthorizationUrl();
    const { code, state } = await authorize(url);
    const first = await github.exchangeCodeForToken(code, state);
    expect(first).toMatchObject({ expires_in: 28800, refresh_token: expect.stringMatching(/^ghr_/) });

    const second = await github.refreshAccessToken(first.refresh_token!);
    expect(second.refresh_token).toMatch(/^ghr_/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    const replay = github.refreshAccessToken(first.refresh_token!);
    await expect(replay).rejects.toMatchObject({ reason: 'invalid_token', providerError: 'bad_refresh_token' });
    await expect(replay).rejects.not.toThrow(first.refresh_token!);
  });

  it('reports a wrong client secret as the provider error code', async () => {
    const github = provider({ clientSecret: 'wrong' });
    const { url } = await github.generateAuthorizationUrl();
    const { code, state } = await authorize(url);

    await expect(github.exchangeCodeForToken(code, state)).rejects.toMatchObject({
      providerError: 'incorrect_client_credentials',
    });
  });

  it('times out a slow token endpoint with provider_unavailable', async () => {
    gh.server.delay('/login/oauth/access_token', 5_000);
    const github = provider({ timeoutMs: 200 });
    const { url } = await github.generateAuthorizationUrl();
    const { code, state } = await authorize(url);
    const started = Date.now();

    await expect(github.exchangeCodeForToken(code, state)).rejects.toMatchObject({ reason: 'provider_unavailable' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('describes itself for auth metadata', () => {
    expect(provider({ scopes: ['read:user'] }).describe()).toEqual({
      name: 'github',
      type: 'oauth2',
      flows: ['oauth2-pkce'],
      authorizationUrl: gh.endpoints.authorizationUrl,
      tokenUrl: gh.endpoints.tokenUrl,
      scopes: ['read:user'],
      supportsRefresh: true,
      supportsPkce: true,
    });
  });

  it('uses github.com endpoints by default', () => {
    const github = new GitHubOAuthProvider({ clientId: 'id' });
    expect(github.authorizationUrl).toBe('https://github.com/login/oauth/authorize');
    expect(github.apiBaseUrl).toBe('https://api.github.com');
    expect(() => new GitHubOAuthProvider({ clientId: 'id', endpoints: { tokenUrl: 'not a url' } })).toThrow(/tokenUrl/);
  });
});
