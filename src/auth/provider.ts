import type { AuthContext } from './auth-context';
import type { AuthenticationFailure } from './errors';
import type { TokenHasher } from './token-hash';
import type { SessionData } from '../session/session-data';

/**
 * Credentials as the client sent them, in the seed's wire spelling. They come from
 * `params._meta.auth`, the top-level JSON-RPC `auth` member, or the HTTP
 * `Authorization: Bearer` / `X-API-Key` headers. Nothing here is trusted until a provider checks it.
 */
export interface Credentials {
  access_token?: string;
  api_key?: string;
  /** Optional hint naming the provider that should check these credentials. */
  provider?: string;
  [key: string]: unknown;
}

/** The outcome of `AuthProvider.authenticate` (the seed's shape, plus a machine-readable reason). */
export interface AuthResult {
  success: boolean;
  context?: AuthContext;
  /** A human-readable reason; never contains the token. */
  error?: string;
  /** Why it failed, when it did: maps to `data.error` of the -31001 error. */
  reason?: Exclude<AuthenticationFailure, 'authentication_required'>;
  /**
   * The caller's session, from a provider that keeps its own sessions (the authorization server's
   * upstream session): used as is; nothing is stored for this token.
   */
  session?: SessionData;
}

/** How a provider describes itself to `AuthMetadata` / RFC 9728 metadata. */
export interface ProviderDescription {
  name: string;
  /** 'oauth2' | 'jwt' | 'api-key' | … */
  type: string;
  flows: string[];
  authorizationUrl?: string;
  tokenUrl?: string;
  scopes?: string[];
  supportsRefresh?: boolean;
  supportsPkce?: boolean;
  /** Issuer identifier (JWT/OIDC), listed as an authorization server over HTTP. */
  issuer?: string;
}

/** Anything that can turn credentials into an `AuthContext`. */
export interface AuthProvider {
  /** Stable name: `AuthContext.provider`, the `provider` hint, `@RequiresAuth('name')`. */
  readonly name: string;
  authenticate(credentials: Credentials): Promise<AuthResult>;
  /**
   * `authenticate()`'s answer when the provider has it without waiting (a fixed key map), else
   * `undefined`. It must agree with `authenticate()`. `hasher` gives `hashToken()` of a value,
   * remembered for the connection the credentials came on: one hasher stands for one connection,
   * so a provider may key what it remembers of a connection by it.
   */
  authenticateNow?(credentials: Credentials, hasher?: TokenHasher): AuthResult | undefined;
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
  describe?(): ProviderDescription;
}

/** Token endpoint response, OAuth wire spelling (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  id_token?: string;
  [key: string]: unknown;
}

/** A provider that can refresh tokens and send users to authorize (OAuth providers). */
export interface RefreshingAuthProvider extends AuthProvider {
  refreshAccessToken(refreshToken: string): Promise<TokenResponse>;
  generateAuthorizationUrl(options?: {
    state?: string;
    scopes?: string[];
    extraParams?: Record<string, string>;
  }): Promise<{ url: string; state: string; verifier: string }>;
}

export function isRefreshingProvider(provider: AuthProvider): provider is RefreshingAuthProvider {
  const p = provider as Partial<RefreshingAuthProvider>;
  return typeof p.refreshAccessToken === 'function' && typeof p.generateAuthorizationUrl === 'function';
}
