import type { AuthContext } from './auth-context';
import { AuthenticationError, type AuthenticationFailure } from './errors';
import type { AuthProvider, AuthResult, Credentials } from './provider';
import type { ConnectionAuthMemo } from './connection-auth-memo';
import type { RBAC } from './rbac';
import type { PermissionManifest } from './manifest';
import type { SessionData } from '../session/session-data';
import { presentedCredential, routeCredential, routeWithoutLooking, type PresentedCredential } from './credential-routing';

export interface AuthenticatedCaller {
  auth: AuthContext;
  /** The caller's provider session, when a session store is in use. */
  session?: SessionData;
}

export interface CallerAuthenticatorOptions {
  /** Expands roles into permissions. */
  rbac?: RBAC;
  /** Adds manifest scopes implied by provider scopes (`oauthMapping`). */
  manifest?: PermissionManifest;
}

// When several providers refuse a credential, the most useful reason wins.
const REASON_RANK: Record<string, number> = { token_expired: 3, provider_unavailable: 2, invalid_token: 1 };

/**
 * Turns credentials into an `AuthContext` by asking the right provider. Scopes, roles and
 * permissions come only from the provider's answer, never from the credentials object.
 */
export class CallerAuthenticator {
  /** Routes for credentials without a `provider` hint, per list of candidates and kind (null: needs the token). */
  private readonly routesWithoutHint = new WeakMap<readonly AuthProvider[], Map<PresentedCredential['kind'], readonly AuthProvider[] | null>>();

  constructor(protected readonly options: CallerAuthenticatorOptions = {}) {}

  /**
   * The caller, when it can be settled without waiting (a provider that answers at once, a
   * session held in this process); `undefined` means call `authenticate()`. Never refuses:
   * refusals come from `authenticate()`. `authMemo`: what auth remembers for the connection the
   * credentials came on, if any.
   */
  authenticateNow(credentials: Credentials, candidates: readonly AuthProvider[], authMemo?: ConnectionAuthMemo): AuthenticatedCaller | undefined {
    const credential = presentedCredential(credentials);
    if (!credential) return undefined;
    const routed =
      typeof credentials.provider === 'string' ? routeCredential(credentials, credential, candidates) : this.routeWithoutHint(credential.kind, candidates);
    // In `verify()`'s order: the first success wins, and a provider that cannot answer now sends everything there.
    for (const provider of routed ?? []) {
      let result: AuthResult | undefined;
      try {
        result = provider.authenticateNow?.(credentials, authMemo);
      } catch {
        return undefined;
      }
      if (result === undefined) return undefined;
      if (result.success && result.context) return { auth: this.enrich(result.context) };
    }
    return undefined;
  }

  /** `routeWithoutLooking`, worked out once per list of candidates and kind of credential. */
  protected routeWithoutHint(kind: PresentedCredential['kind'], candidates: readonly AuthProvider[]): readonly AuthProvider[] | undefined {
    let routes = this.routesWithoutHint.get(candidates);
    if (!routes) this.routesWithoutHint.set(candidates, (routes = new Map()));
    let route = routes.get(kind);
    if (route === undefined) {
      route = routeWithoutLooking(kind, candidates) ?? null;
      routes.set(kind, route);
    }
    return route ?? undefined;
  }

  async authenticate(
    credentials: Credentials | undefined,
    candidates: readonly AuthProvider[],
    requiredScopes: readonly string[] = [],
  ): Promise<AuthenticatedCaller> {
    const names = () => candidates.map((p) => p.name);
    if (!credentials || Object.keys(credentials).length === 0) {
      throw new AuthenticationError('Authentication required', { providers: names(), requiredScopes });
    }
    const credential = presentedCredential(credentials);
    if (!credential) {
      throw new AuthenticationError('Malformed credentials', { reason: 'invalid_token', providers: names(), requiredScopes });
    }
    const routed = routeCredential(credentials, credential, candidates);
    if (routed.length === 0) {
      throw new AuthenticationError('No configured provider accepts these credentials', {
        reason: 'invalid_token',
        providers: names(),
        requiredScopes,
      });
    }
    return this.verify(credentials, credential, routed, requiredScopes);
  }

  /** Asks the routed providers in order; the first success wins. */
  protected async verify(
    credentials: Credentials,
    _credential: PresentedCredential,
    routed: readonly AuthProvider[],
    requiredScopes: readonly string[],
  ): Promise<AuthenticatedCaller> {
    let reason: Exclude<AuthenticationFailure, 'authentication_required'> = 'invalid_token';
    let message = 'Invalid credentials';
    for (const provider of routed) {
      const result = await askProvider(provider, credentials);
      // A provider that keeps its own sessions (the authorization server) hands over the caller's.
      if (result.success && result.context) return { auth: this.enrich(result.context), ...(result.session && { session: result.session }) };
      const candidate = result.reason ?? 'invalid_token';
      if (REASON_RANK[candidate] >= REASON_RANK[reason]) {
        reason = candidate;
        message = result.error ? `${provider.name}: ${result.error}` : message;
      }
    }
    throw new AuthenticationError(message, { reason, providers: routed.map((p) => p.name), requiredScopes });
  }

  /** Applies RBAC and manifest scope mappings to a provider's context. */
  protected enrich(auth: AuthContext): AuthContext {
    let enriched = auth;
    const implied = this.options.manifest?.impliedScopes(auth.provider, auth.scopes) ?? [];
    if (implied.some((s) => !auth.scopes.has(s))) enriched = enriched.with({ scopes: [...auth.scopes, ...implied] });
    if (this.options.rbac) enriched = this.options.rbac.expand(enriched);
    return enriched;
  }
}

/** A provider that throws is treated as unavailable, without repeating its message (it may hold a token). */
async function askProvider(provider: AuthProvider, credentials: Credentials): Promise<AuthResult> {
  try {
    return await provider.authenticate(credentials);
  } catch {
    return { success: false, reason: 'provider_unavailable', error: 'provider failed unexpectedly' };
  }
}
