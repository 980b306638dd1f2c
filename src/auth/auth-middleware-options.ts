import type { InjectionToken } from 'tsyringe';
import type { AuthRequirement } from '../protocol/auth-requirement';
import type { SessionStore } from '../session/session-store';
import type { Middleware } from '../pipeline/middleware';
import type { AuthProvider } from './provider';
import type { PermissionManifest } from './manifest';
import type { RBAC } from './rbac';

/** A provider, or a DI token (class, symbol) that resolves to one. */
export type ProviderOption = AuthProvider | InjectionToken<AuthProvider>;

/** Options of `createAuthMiddleware()` / `new AuthEnforcementMiddleware()`. */
export interface AuthMiddlewareOptions {
  /** The provider; omitted → `AUTH_PROVIDER` from the DI container. */
  provider?: ProviderOption;
  /** Several providers: tokens are routed by `provider` hint, JWT issuer, else first success. */
  providers?: ProviderOption[];
  /** REQUIRED (default), OPTIONAL (authenticate when credentials are sent) or NONE. */
  requirement?: AuthRequirement;
  /** Where OAuth provider sessions live; omitted → `SESSION_STORE` from DI, else in memory. */
  sessionStore?: SessionStore;
  /** Per-tool requirements; omitted → `PERMISSION_MANIFEST` from DI, if registered. */
  manifest?: PermissionManifest;
  /** Scopes every enforced call needs (ALL of them), with REQUIRED. */
  requiredScopes?: string[];
  /** Refresh OAuth provider tokens that are about to expire (default true). */
  autoRefreshTokens?: boolean;
  /** How long before expiry a provider token is refreshed; default 300 s. */
  refreshBufferSeconds?: number;
  /**
   * How long a session vouches for its OAuth token before the provider is asked again; default 300 s.
   * Bounds how long a token revoked at the provider stays accepted.
   */
  sessionTrustSeconds?: number;
  /** Where in `params._meta` credentials are read on stdio and in memory; default `auth`. */
  credentialsKey?: string;
  /** Expands roles into permissions on the caller's context. */
  rbac?: RBAC;
}

/** An auth middleware as the server's auth setup reads it: its options, with defaults applied. */
export interface AuthMiddlewareConfig {
  readonly options: AuthMiddlewareOptions;
  readonly requirement: AuthRequirement;
  readonly requiredScopes: readonly string[];
  readonly autoRefreshTokens: boolean;
  readonly credentialsKey: string;
  readonly rbac?: RBAC;
}

/** What `mcp.use()` installs an auth middleware into: it returns the stage that runs for it. */
export interface AuthMiddlewareHost {
  install(config: AuthMiddlewareConfig): Middleware;
}
