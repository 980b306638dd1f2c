import type { AuthContext } from '../auth-context';
import { AuthenticationError } from '../errors';
import type {
  AuthResult,
  Credentials,
  ProviderDescription,
  RefreshingAuthProvider,
  TokenResponse,
} from '../provider';
import { AuthResultCache } from './auth-result-cache';
import { MemoryOAuthStateStore } from './memory-oauth-state-store';
import { OAuthStateError } from './oauth-errors';
import type { OAuthStateStore, PendingAuthorization } from './oauth-state-store';
import { createOAuthState, createPkcePair, verifiersMatch } from './pkce';
import { TokenEndpoint } from './token-endpoint';

/** Options every OAuth provider takes. */
export interface OAuthClientOptions {
  /** The OAuth client id registered with the provider. */
  clientId: string;
  /** Omit for a public client (PKCE only). */
  clientSecret?: string;
  /** Default `redirect_uri` of authorization requests. */
  redirectUri?: string;
  /** Default scopes of authorization requests. */
  scopes?: string[];
  /** Timeout of every outbound request, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Where `state` → PKCE verifier bindings wait for the callback (default in memory). */
  stateStore?: OAuthStateStore;
  /** How long a user has to complete an authorization, in seconds (default 600). */
  stateTtlSeconds?: number;
  /**
   * How long `authenticate()` trusts an accepted access token without asking the provider again,
   * in seconds (default 0: off; concurrent checks of one token still share one request). Never
   * longer than the token's known expiry; a token revoked at the provider keeps working for at
   * most this long. Behind NextMCP's auth middleware, sessions do this job (`sessionTrustSeconds`),
   * so leave it off there: a cache would let a revoked token outlive the trust window.
   */
  cacheTtlSeconds?: number;
  /** Most accepted tokens cached at once (default 10 000). */
  cacheMaxEntries?: number;
}

/** What a concrete provider fixes about itself. */
export interface OAuthProviderConfig extends OAuthClientOptions {
  /** `AuthContext.provider` and the routing name. */
  name: string;
  /** The provider's authorization endpoint. */
  authorizationUrl: string;
  /** The provider's token endpoint. */
  tokenUrl: string;
  /** Added to every authorization URL (e.g. Google's `access_type=offline`). Callers' `extraParams` win. */
  authorizationParams?: Record<string, string>;
  /** How the client authenticates at the token endpoint (default HTTP Basic). */
  clientAuthentication?: 'header' | 'body';
}

/** Options of `generateAuthorizationUrl()`. */
export interface AuthorizationUrlOptions {
  /** Your own state value; must be unguessable and unique. Default: 256 random bits. */
  state?: string;
  /** Scopes to ask for; default the provider's `scopes`. */
  scopes?: string[];
  /** More query parameters (`login_hint`, `prompt`, …). Cannot replace the PKCE, state or client parameters. */
  extraParams?: Record<string, string>;
  /** `redirect_uri` for this request; default the provider's `redirectUri`. */
  redirectUri?: string;
  /** Kept with the state for the login flow (where the browser goes afterwards). */
  returnTo?: string;
}

/** What `generateAuthorizationUrl()` resolves to. */
export interface AuthorizationRequest {
  /** Send the user here. */
  url: string;
  /** The `state` the callback will carry. */
  state: string;
  /** The PKCE verifier (also kept in the state store; needed only by callers that keep their own). */
  verifier: string;
}

/** A code exchanged at the token endpoint, with what was stored when the user left. */
export interface RedeemedAuthorization {
  /** The token endpoint's answer. */
  token: TokenResponse;
  /** What was stored with the state when the user left (verifier, redirect URI, `returnTo`). */
  authorization: PendingAuthorization;
}

/** Parameters the provider sets itself; `extraParams` may not override them. */
const RESERVED_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * Base of the OAuth 2.x providers: authorization-code grant with PKCE S256, `state` bound to its
 * verifier in an `OAuthStateStore`, refresh with rotation, and `authenticate()` that validates an
 * access token against the provider (cached briefly by token hash). Subclasses say how a token is
 * validated and who it belongs to.
 *
 * @example
 * class AcmeOAuthProvider extends OAuthProvider {
 *   constructor(options: OAuthClientOptions) {
 *     super({ ...options, name: 'acme', authorizationUrl: 'https://acme.example/authorize',
 *             tokenUrl: 'https://acme.example/token' });
 *   }
 *   async getUserInfo(token: string) { … }
 *   extractUserId(info: Record<string, unknown>) { return String(info.sub); }
 *   extractUsername(info: Record<string, unknown>) { return info.email as string | undefined; }
 *   protected async validateAccessToken(token: string) {
 *     const info = await this.getUserInfo(token);
 *     return new AuthContext({ userId: this.extractUserId(info), provider: this.name, claims: info });
 *   }
 * }
 *
 * const { url } = await acme.generateAuthorizationUrl({ scopes: ['read'] });
 * // … the user authorizes; the callback receives ?code=…&state=…
 * const token = await acme.exchangeCodeForToken(code, state);
 */
export abstract class OAuthProvider implements RefreshingAuthProvider {
  /** `AuthContext.provider` and the routing name. */
  readonly name: string;
  /** The OAuth client id. */
  readonly clientId: string;
  /** The default callback of authorization URLs. */
  readonly redirectUri?: string;
  /** The default scopes of authorization URLs. */
  readonly scopes: readonly string[];
  /** The authorization endpoint. */
  readonly authorizationUrl: string;
  /** The token endpoint. */
  readonly tokenUrl: string;
  readonly credentialKind = 'bearer' as const;
  protected readonly timeoutMs: number;
  protected readonly stateStore: OAuthStateStore;
  private readonly stateTtlSeconds: number;
  private readonly authorizationParams: Record<string, string>;
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly cache: AuthResultCache;

  protected constructor(config: OAuthProviderConfig) {
    if (!config.clientId) throw new TypeError(`${config.name}: clientId is required`);
    this.name = config.name;
    this.clientId = config.clientId;
    this.redirectUri = config.redirectUri;
    this.scopes = Object.freeze([...new Set(config.scopes ?? [])]);
    this.authorizationUrl = config.authorizationUrl;
    this.tokenUrl = config.tokenUrl;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.stateStore = config.stateStore ?? new MemoryOAuthStateStore();
    this.stateTtlSeconds = config.stateTtlSeconds ?? 600;
    this.authorizationParams = { ...config.authorizationParams };
    this.tokenEndpoint = new TokenEndpoint({
      provider: config.name,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authorizationUrl: config.authorizationUrl,
      tokenUrl: config.tokenUrl,
      timeoutMs: this.timeoutMs,
      clientAuthentication: config.clientAuthentication,
    });
    this.cache = new AuthResultCache({
      ttlSeconds: config.cacheTtlSeconds ?? 0,
      maxEntries: config.cacheMaxEntries ?? 10_000,
    });
  }

  /**
   * Where to send the user: an authorization URL with a fresh PKCE S256 challenge and `state`.
   * The verifier, scopes and redirect URI are stored under the state until the callback.
   */
  async generateAuthorizationUrl(options: AuthorizationUrlOptions = {}): Promise<AuthorizationRequest> {
    const redirectUri = options.redirectUri ?? this.redirectUri;
    if (!redirectUri) throw new TypeError(`${this.name}: a redirectUri is required to build an authorization URL`);
    const state = options.state ?? createOAuthState();
    const scopes = [...new Set(options.scopes ?? this.scopes)];
    const request = this.buildAuthorizationRequest({ ...options, state, redirectUri, scopes });
    await this.stateStore.save(
      state,
      { provider: this.name, verifier: request.verifier, redirectUri, scopes, returnTo: options.returnTo, createdAt: Date.now() },
      this.stateTtlSeconds,
    );
    return request;
  }

  /**
   * An authorization URL (fresh PKCE S256 pair) whose state and verifier the caller keeps itself:
   * nothing is stored here. An authorization server in front of this provider keeps them in its own
   * transaction and finishes with `exchangeCodeWithVerifier`.
   */
  buildAuthorizationRequest(options: AuthorizationUrlOptions & { state: string; redirectUri: string }): AuthorizationRequest {
    if (options.state.length < 16) throw new TypeError(`${this.name}: a state value must have at least 16 characters`);
    const scopes = [...new Set(options.scopes ?? this.scopes)];
    const pkce = createPkcePair();
    const params: Record<string, string> = { ...this.authorizationParams };
    for (const [key, value] of Object.entries(options.extraParams ?? {})) {
      if (!RESERVED_PARAMS.has(key)) params[key] = value;
    }
    Object.assign(params, {
      redirect_uri: options.redirectUri,
      state: options.state,
      code_challenge: pkce.challenge,
      code_challenge_method: pkce.method,
    });
    if (scopes.length > 0) params.scope = scopes.join(' ');
    return { url: this.tokenEndpoint.authorizeUrl(params), state: options.state, verifier: pkce.verifier };
  }

  /** Exchanges the code of a `buildAuthorizationRequest` login, with the redirect URI and verifier it used. */
  async exchangeCodeWithVerifier(code: string, request: { redirectUri: string; verifier: string }): Promise<TokenResponse> {
    const token = await this.tokenEndpoint.exchangeCode({ code, redirectUri: request.redirectUri, verifier: request.verifier });
    return this.processTokenResponse(token, 'authorization_code');
  }

  /**
   * Exchanges an authorization code. The state must be one this provider issued, unexpired and
   * unused (it is consumed here, atomically); a `verifier` passed explicitly must equal the stored one.
   */
  async exchangeCodeForToken(code: string, state: string, verifier?: string): Promise<TokenResponse> {
    return (await this.redeemAuthorizationCode(code, state, verifier)).token;
  }

  /** `exchangeCodeForToken`, also returning what was stored with the state (for the login flow). */
  async redeemAuthorizationCode(code: string, state: string, verifier?: string): Promise<RedeemedAuthorization> {
    if (typeof code !== 'string' || code === '') throw new OAuthStateError('The callback carries no authorization code');
    if (typeof state !== 'string' || state === '') throw new OAuthStateError('The callback carries no state');
    const authorization = await this.stateStore.consume(state);
    if (!authorization || authorization.provider !== this.name) throw new OAuthStateError();
    if (verifier !== undefined && !verifiersMatch(verifier, authorization.verifier)) {
      throw new OAuthStateError('The PKCE verifier does not match the one bound to this state');
    }
    const token = await this.exchangeCodeWithVerifier(code, authorization);
    return { token, authorization };
  }

  /**
   * Refresh grant. The result always carries a `refresh_token`: the rotated one when the provider
   * issued a new one (store it; the old one may now be dead), else the one passed in.
   */
  async refreshAccessToken(refreshToken: string, scopes?: string[]): Promise<TokenResponse> {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new AuthenticationError(`${this.name}: no refresh token to refresh with`, {
        reason: 'invalid_token',
        providers: [this.name],
      });
    }
    const token = await this.tokenEndpoint.refresh(refreshToken, scopes);
    return this.processTokenResponse(token, 'refresh_token');
  }

  /**
   * Validates `credentials.access_token` against the provider. A recently accepted token is
   * answered from the cache. Failures carry `reason` (`invalid_token` or `provider_unavailable`)
   * and an `error` that never contains the token.
   */
  async authenticate(credentials: Credentials): Promise<AuthResult> {
    const token = credentials?.access_token;
    if (typeof token !== 'string' || token === '') {
      return { success: false, reason: 'invalid_token', error: `${this.name}: no access_token in the credentials` };
    }
    try {
      const context = await this.cache.getOrValidate(token, () => this.validateAccessToken(token));
      return { success: true, context };
    } catch (error) {
      if (error instanceof AuthenticationError) {
        const reason = error.reason === 'authentication_required' ? 'invalid_token' : error.reason;
        return { success: false, reason, error: error.message };
      }
      // Our own bug or an unreadable answer: refuse, and say so without echoing anything.
      const kind = error instanceof Error ? error.name : typeof error;
      return { success: false, reason: 'provider_unavailable', error: `${this.name}: token validation failed (${kind})` };
    }
  }

  /** Flows, endpoints and scopes, for `authMetadata()`. */
  describe(): ProviderDescription {
    return {
      name: this.name,
      type: 'oauth2',
      flows: ['oauth2-pkce'],
      authorizationUrl: this.authorizationUrl,
      tokenUrl: this.tokenUrl,
      scopes: [...this.scopes],
      supportsRefresh: true,
      supportsPkce: true,
    };
  }

  /** The user's profile as the provider reports it. */
  abstract getUserInfo(accessToken: string): Promise<Record<string, unknown>>;
  /** The provider's stable user id, as a string. */
  abstract extractUserId(userInfo: Record<string, unknown>): string;
  /** A display name from the profile (login, email), if it has one. */
  abstract extractUsername(userInfo: Record<string, unknown>): string | undefined;

  /**
   * Asks the provider whether `accessToken` is good and who it belongs to. Throws an
   * `AuthenticationError` (usually `OAuthProviderError`) when it is not or cannot be checked.
   * Scopes must come from the provider, never from the client.
   */
  protected abstract validateAccessToken(accessToken: string): Promise<AuthContext>;

  /** Hook for provider checks on token responses (Google verifies the ID token here). */
  protected async processTokenResponse(
    token: TokenResponse,
    _grant: 'authorization_code' | 'refresh_token',
  ): Promise<TokenResponse> {
    return token;
  }
}
