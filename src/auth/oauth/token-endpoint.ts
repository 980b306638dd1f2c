import type { AuthorizationCode, ModuleOptions } from 'simple-oauth2';
import type { TokenResponse } from '../provider';
import { OAuthProviderError } from './oauth-errors';
import { parseTokenResponse } from './token-response';

export interface TokenEndpointOptions {
  /** Provider `name`, for error messages. */
  provider: string;
  clientId: string;
  /** Omitted for public clients, which then rely on PKCE alone. */
  clientSecret?: string;
  authorizationUrl: string;
  tokenUrl: string;
  timeoutMs: number;
  /**
   * How the client authenticates at the token endpoint: HTTP Basic (`'header'`, the RFC 6749
   * default) or `client_id`/`client_secret` form fields (`'body'`). Public clients always use `'body'`.
   */
  clientAuthentication?: 'header' | 'body';
}

/** simple-oauth2 (and joi with it) loads with the first OAuth provider, not with `nextmcp/auth`. */
function simpleOAuth2(): typeof import('simple-oauth2') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('simple-oauth2');
}

/** What a failed wreck request carries (the parts of a Boom error that are read here). */
interface WreckFailure {
  isBoom?: boolean;
  output?: { statusCode?: number };
  data?: { isResponseError?: boolean; payload?: unknown; res?: { statusCode?: number } } | null;
}

/**
 * The authorization-code and refresh grants of one OAuth client, on simple-oauth2. Builds the
 * authorization URL, posts to the token endpoint with a timeout, and turns every answer — JSON,
 * form-encoded, an `error` body with status 200, a 4xx/5xx, a timeout — into a `TokenResponse`
 * or an `OAuthProviderError`.
 */
export class TokenEndpoint {
  private readonly oauth: AuthorizationCode;
  // Only what error messages need; the secret stays inside simple-oauth2's private config.
  private readonly provider: string;
  private readonly timeoutMs: number;

  constructor(options: TokenEndpointOptions) {
    this.provider = options.provider;
    this.timeoutMs = options.timeoutMs;
    const tokenUrl = new URL(options.tokenUrl);
    const authorizationUrl = new URL(options.authorizationUrl);
    const isPublicClient = options.clientSecret === undefined || options.clientSecret === '';
    const config: ModuleOptions = {
      // Secret-less clients still send `client_id` in the body; simple-oauth2 adds an empty `client_secret`.
      client: { id: options.clientId, secret: options.clientSecret ?? '' },
      // Absolute URLs as "paths" resolve to themselves, so query strings and hosts are kept as given.
      auth: {
        tokenHost: tokenUrl.origin,
        tokenPath: tokenUrl.href,
        refreshPath: tokenUrl.href,
        authorizeHost: authorizationUrl.origin,
        authorizePath: authorizationUrl.href,
      },
      options: {
        authorizationMethod: isPublicClient ? 'body' : (options.clientAuthentication ?? 'header'),
        bodyFormat: 'form',
      },
      // 'force' parses any 2xx body as JSON; a form-encoded one fails parsing and is recovered below.
      http: { timeout: options.timeoutMs, json: 'force', headers: { accept: 'application/json' } },
    };
    this.oauth = new (simpleOAuth2().AuthorizationCode)(config);
  }

  /** The authorization URL with `response_type=code`, `client_id` and the given parameters. */
  authorizeUrl(params: Record<string, string>): string {
    return this.oauth.authorizeURL(params);
  }

  async exchangeCode(params: { code: string; redirectUri: string; verifier: string }): Promise<TokenResponse> {
    const tokenParams = { code: params.code, redirect_uri: params.redirectUri, code_verifier: params.verifier };
    return this.call(async () => (await this.oauth.getToken(tokenParams)).token);
  }

  /**
   * The refresh grant. When the provider rotates refresh tokens the new one is returned; when it
   * does not, the one passed in is returned as `refresh_token`, so callers can always store it.
   */
  async refresh(refreshToken: string, scopes?: string[]): Promise<TokenResponse> {
    const params = scopes && scopes.length > 0 ? { scope: scopes } : {};
    const token = await this.call(async () =>
      (await this.oauth.createToken({ refresh_token: refreshToken }).refresh(params)).token,
    );
    return { ...token, refresh_token: token.refresh_token ?? refreshToken };
  }

  private async call(request: () => Promise<unknown>): Promise<TokenResponse> {
    let payload: unknown;
    let status: number | undefined = 200;
    try {
      payload = await request();
    } catch (error) {
      ({ payload, status } = this.recover(error as WreckFailure));
    }
    return parseTokenResponse(payload, { provider: this.provider, status });
  }

  /**
   * Makes sense of a failed request: an answer whose body is still worth reading (a 4xx/5xx, or a
   * form-encoded 2xx that JSON parsing refused), or no answer at all (timeout, connection refused).
   */
  private recover(failure: WreckFailure): { payload: unknown; status: number } {
    const unavailable = (detail: string) =>
      new OAuthProviderError({
        provider: this.provider,
        operation: 'token endpoint',
        reason: 'provider_unavailable',
        detail,
      });

    if (!failure?.isBoom) throw unavailable('gave an answer that could not be read');
    const data = failure.data ?? undefined;
    if (data?.isResponseError && failure.output?.statusCode !== undefined) {
      return { payload: data.payload, status: failure.output.statusCode };
    }
    // Boom's 504 (no response in time) and 408 (body not read in time) are wreck's timeouts.
    if (failure.output?.statusCode === 504 || failure.output?.statusCode === 408) {
      throw unavailable(`timed out after ${this.timeoutMs} ms`);
    }
    if (data?.res?.statusCode !== undefined && data.payload !== undefined) {
      return { payload: data.payload, status: data.res.statusCode };
    }
    throw unavailable('could not be reached');
  }
}
