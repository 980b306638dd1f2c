import type { AuthContext } from '../auth-context';
import { AuthenticationError } from '../errors';
import type { TokenResponse } from '../provider';
import { OAuthCallbackError, OAuthStateError, RedirectNotAllowedError } from './oauth-errors';
import type { OAuthProvider } from './oauth-provider';
import { createOAuthState } from './pkce';

/** Options of `new OAuthLoginFlow()`. */
export interface OAuthLoginFlowOptions {
  /** The providers users may log in with; names must be unique. */
  providers: OAuthProvider[];
  /**
   * The callback URL providers send the user back to (exactly as registered with them). Default:
   * each provider's own `redirectUri`.
   */
  redirectUri?: string;
  /** Further callback URLs `begin()` may be asked to use. Compared as exact strings. */
  allowedRedirectUris?: string[];
  /** Where the browser may be sent after login. Compared as exact strings; anything else is refused. */
  allowedReturnUrls?: string[];
}

/** Options of `flow.begin()`. */
export interface BeginLoginOptions {
  /** Scopes to request; default the provider's. */
  scopes?: string[];
  /** Where to send the browser after login; must be on `allowedReturnUrls`. */
  returnTo?: string;
  /** A callback URL other than the default one; must be on the allow-list. */
  redirectUri?: string;
  /** More authorization parameters (`login_hint`, …). */
  extraParams?: Record<string, string>;
}

/** A started login: where to send the browser, and the state to bind to it. */
export interface BegunLogin {
  /** Send the user's browser here. */
  url: string;
  /** The state value the callback will carry (bind it to the browser, e.g. in a cookie). */
  state: string;
  /** The provider the login is with. */
  provider: OAuthProvider;
  /** The callback URL used (one of the allowed ones). */
  redirectUri: string;
}

/** A finished login: who logged in, with which provider, and their tokens. */
export interface OAuthLoginResult {
  /** The provider the user logged in with. */
  provider: OAuthProvider;
  /** The provider's token response (access token, refresh token, expiry). */
  token: TokenResponse;
  /** Who logged in, as the provider verified them. */
  authContext: AuthContext;
  /** The `returnTo` given to `begin()`, already checked against the allow-list. */
  returnTo?: string;
  /** The scopes that were requested. */
  requestedScopes: string[];
}

/** Query parameters of the callback, from `URLSearchParams` or a parsed query object. */
export type CallbackQuery = URLSearchParams | Record<string, string | string[] | undefined>;

/** Separates the provider name from the random part of a state value. */
const STATE_SEPARATOR = '.';
const PROVIDER_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Server-side OAuth login, with no HTTP in it: `begin()` gives the URL to send a browser to, and
 * `complete()` turns the callback's query into tokens and an `AuthContext`. Redirect and return
 * URLs are exact-matched against allow-lists, so the flow cannot be used as an open redirect.
 * Mount it with `createOAuthRoutes`, or call it from your own routes.
 *
 * @example
 * const flow = new OAuthLoginFlow({
 *   providers: [github, google],
 *   redirectUri: 'https://mcp.example.com/oauth/callback',
 *   allowedReturnUrls: ['https://app.example.com/signed-in'],
 * });
 * const { url } = await flow.begin('github', { scopes: ['read:user'] });
 * // … browser comes back to /oauth/callback?code=…&state=…
 * const { provider, token, authContext } = await flow.complete(new URL(req.url!, 'http://x').searchParams);
 */
export class OAuthLoginFlow {
  private readonly providers = new Map<string, OAuthProvider>();
  private readonly redirectUri?: string;
  private readonly allowedRedirectUris: ReadonlySet<string>;
  private readonly allowedReturnUrls: ReadonlySet<string>;

  constructor(options: OAuthLoginFlowOptions) {
    for (const provider of options.providers) {
      if (!PROVIDER_NAME.test(provider.name)) {
        throw new TypeError(`OAuthLoginFlow: provider name "${provider.name}" may only use letters, digits, _ and -`);
      }
      if (this.providers.has(provider.name)) throw new TypeError(`OAuthLoginFlow: two providers named "${provider.name}"`);
      this.providers.set(provider.name, provider);
    }
    this.redirectUri = options.redirectUri;
    this.allowedRedirectUris = new Set(
      [options.redirectUri, ...options.providers.map((p) => p.redirectUri), ...(options.allowedRedirectUris ?? [])].filter(
        (uri): uri is string => typeof uri === 'string',
      ),
    );
    this.allowedReturnUrls = new Set(options.allowedReturnUrls ?? []);
  }

  /** Names of the providers users can log in with. */
  get providerNames(): string[] {
    return [...this.providers.keys()];
  }

  /** The provider of that name, if users can log in with it. */
  getProvider(name: string): OAuthProvider | undefined {
    return this.providers.get(name);
  }

  /** Starts a login: stores PKCE verifier and state, and returns the authorization URL. */
  async begin(providerName: string, options: BeginLoginOptions = {}): Promise<BegunLogin> {
    const provider = this.providers.get(providerName);
    if (!provider) throw new TypeError(`Unknown login provider "${providerName}"`);
    const redirectUri = options.redirectUri ?? this.redirectUri ?? provider.redirectUri;
    if (!redirectUri || !this.allowedRedirectUris.has(redirectUri)) throw new RedirectNotAllowedError('redirect_uri');
    if (options.returnTo !== undefined && !this.allowedReturnUrls.has(options.returnTo)) {
      throw new RedirectNotAllowedError('returnTo');
    }
    const request = await provider.generateAuthorizationUrl({
      // The provider name in the state routes the callback; the random part makes it unguessable.
      state: `${provider.name}${STATE_SEPARATOR}${createOAuthState()}`,
      scopes: options.scopes,
      extraParams: options.extraParams,
      redirectUri,
      returnTo: options.returnTo,
    });
    return { url: request.url, state: request.state, provider, redirectUri };
  }

  /**
   * Finishes a login from the callback's query: refuses `?error=…`, unknown, expired or replayed
   * states, exchanges the code (with the stored PKCE verifier) and validates the new token with the
   * provider. Throws `AuthenticationError`s (`OAuthStateError`, `OAuthCallbackError`, `OAuthProviderError`).
   */
  async complete(query: CallbackQuery): Promise<OAuthLoginResult> {
    const param = (name: string) => singleValue(query, name);
    const error = param('error');
    if (error !== undefined) throw new OAuthCallbackError(error);
    const code = param('code');
    const state = param('state');
    if (!code || !state) throw new OAuthStateError('The callback needs exactly one code and one state');

    const provider = this.providers.get(state.slice(0, state.indexOf(STATE_SEPARATOR)));
    if (!provider) throw new OAuthStateError();
    const { token, authorization } = await provider.redeemAuthorizationCode(code, state);
    const result = await provider.authenticate({ access_token: token.access_token });
    if (!result.success || !result.context) {
      throw new AuthenticationError(result.error ?? `${provider.name} did not accept the new token`, {
        reason: result.reason ?? 'invalid_token',
        providers: [provider.name],
      });
    }
    return {
      provider,
      token,
      authContext: result.context,
      // Checked again in case the allow-list changed while the user was away.
      returnTo:
        authorization.returnTo !== undefined && this.allowedReturnUrls.has(authorization.returnTo)
          ? authorization.returnTo
          : undefined,
      requestedScopes: authorization.scopes,
    };
  }
}

/** A parameter that appears exactly once; repeated parameters are treated as absent. */
function singleValue(query: CallbackQuery, name: string): string | undefined {
  if (query instanceof URLSearchParams) {
    const values = query.getAll(name);
    return values.length === 1 ? values[0] : undefined;
  }
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}
