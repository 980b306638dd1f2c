import type { AuthContext } from './auth-context';
import type { AuthenticationFailure } from './errors';
import type { SessionData } from '../session/session-data';

/**
 * Credentials as the client sent them, in the seed's wire spelling. They come from
 * `params._meta.auth`, the top-level JSON-RPC `auth` member, or the HTTP
 * `Authorization: Bearer` / `X-API-Key` headers. Nothing here is trusted until a provider checks it.
 */
export interface Credentials {
  /** A bearer token (OAuth access token or JWT). */
  access_token?: string;
  /** An API key. */
  api_key?: string;
  /** Optional hint naming the provider that should check these credentials. */
  provider?: string;
  [key: string]: unknown;
}

/** The outcome of `AuthProvider.authenticate` (the seed's shape, plus a machine-readable reason). */
export interface AuthResult {
  /** Whether the credentials were accepted. */
  success: boolean;
  /** The caller, when accepted. */
  context?: AuthContext;
  /** A human-readable reason; never contains the token. */
  error?: string;
  /** Why it failed, when it did: maps to `data.error` of the -31001 error. */
  reason?: Exclude<AuthenticationFailure, 'authentication_required'>;
  /**
   * For a provider that keeps its callers' sessions itself (e.g. an authorization server whose
   * tokens stand for an upstream login): the caller's session. The session store is then neither
   * searched nor written for this token, and the answer is not reused for later requests.
   */
  session?: SessionData;
}

/** How a provider describes itself to `AuthMetadata` / RFC 9728 metadata. */
export interface ProviderDescription {
  /** The provider's name. */
  name: string;
  /** 'oauth2' | 'jwt' | 'api-key' | … */
  type: string;
  /** The `AuthFlowType`s a client can use to get credentials. */
  flows: string[];
  /** Where users authorize (OAuth). */
  authorizationUrl?: string;
  /** Where codes and refresh tokens are exchanged (OAuth). */
  tokenUrl?: string;
  /** Scopes it can grant. */
  scopes?: string[];
  /** Whether its tokens can be refreshed. */
  supportsRefresh?: boolean;
  /** Whether it does PKCE. */
  supportsPkce?: boolean;
  /** Issuer identifier (JWT/OIDC), listed as an authorization server over HTTP. */
  issuer?: string;
}

/** Anything that can turn credentials into an `AuthContext`. */
export interface AuthProvider {
  /** Stable name: `AuthContext.provider`, the `provider` hint, `@RequiresAuth('name')`. */
  readonly name: string;
  /** Checks `credentials`; resolves to the caller or why not. Throwing counts as `provider_unavailable`. */
  authenticate(credentials: Credentials): Promise<AuthResult>;
  /** Which credential the provider reads; default `'bearer'` (`access_token`). */
  readonly credentialKind?: 'bearer' | 'api_key';
  /**
   * The audience(s) the provider itself verifies tokens against. When unset, the HTTP layer
   * requires the token's `aud` claim to name the server's resource URL: always for JWT providers
   * (`describe().type === 'jwt'`), and for others whenever the token carries an `aud`.
   */
  readonly audience?: string | readonly string[];
  /** For routing a JWT to the provider that trusts its `iss`. */
  acceptsIssuer?(issuer: string): boolean;
  /** How the provider describes itself to `authMetadata()` and the HTTP metadata. */
  describe?(): ProviderDescription;
}

/** Token endpoint response, OAuth wire spelling (RFC 6749 §5.1). */
export interface TokenResponse {
  /** The access token. */
  access_token: string;
  /** `Bearer`, as the provider spells it. */
  token_type: string;
  /** A refresh token, when the provider issues one. */
  refresh_token?: string;
  /** Seconds until the access token expires, when it does. */
  expires_in?: number;
  /** The granted scopes, space- (or comma-) separated as the provider writes them. */
  scope?: string;
  /** An OpenID Connect ID token. */
  id_token?: string;
  [key: string]: unknown;
}

/** A provider that can refresh tokens and send users to authorize (OAuth providers). */
export interface RefreshingAuthProvider extends AuthProvider {
  /** New tokens for a refresh token; rejects when the provider refuses it. */
  refreshAccessToken(refreshToken: string): Promise<TokenResponse>;
  /** Where to send a user to (re-)authorize, with PKCE and a state bound to its verifier. */
  generateAuthorizationUrl(options?: {
    state?: string;
    scopes?: string[];
    extraParams?: Record<string, string>;
  }): Promise<{
    /** Send the user's browser here. */
    url: string;
    /** The `state` the callback will carry. */
    state: string;
    /** The PKCE verifier for the code exchange; keep it server-side. */
    verifier: string;
  }>;
}

export function isRefreshingProvider(provider: AuthProvider): provider is RefreshingAuthProvider {
  const p = provider as Partial<RefreshingAuthProvider>;
  return typeof p.refreshAccessToken === 'function' && typeof p.generateAuthorizationUrl === 'function';
}
