import type { AuthContext } from './auth-context';
import { AuthenticationError, type AuthenticationFailure } from './errors';
import { isRefreshingProvider, type AuthProvider, type AuthResult, type Credentials } from './provider';
import { presentedCredential, routeCredential, type PresentedCredential } from './credential-routing';
import type { ProviderSessions } from './provider-sessions';
import type { RBAC } from './rbac';
import type { PermissionManifest } from './manifest';
import type { SessionData } from '../session/session-data';

/** A verified caller: who, and (OAuth providers) their own copy of the provider session. */
export interface Caller {
  auth: AuthContext;
  session?: SessionData;
}

export interface AuthenticatorOptions {
  /** Expands roles into permissions. */
  rbac?: RBAC;
  /** Adds manifest scopes implied by provider scopes (`oauthMapping`). */
  manifest?: PermissionManifest;
  /** OAuth provider sessions (store, trust window, refresh); without it no session is kept. */
  sessions?: ProviderSessions;
}

// When several providers refuse a credential, the most useful reason wins.
const REASON_RANK: Record<string, number> = { token_expired: 3, provider_unavailable: 2, invalid_token: 1 };

/**
 * Credentials → caller, in one place: which providers may check them (the `provider` hint, the
 * kind of credential, a JWT's issuer), the session of an OAuth token (found by the token's hash,
 * refreshed when due), else the providers themselves in order. Scopes, roles and permissions come
 * only from a provider's answer or a session it created, never from the credentials object.
 */
export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions = {}) {}

  get sessions(): ProviderSessions | undefined {
    return this.options.sessions;
  }

  authenticate(credentials: Credentials | undefined, candidates: readonly AuthProvider[], requiredScopes: readonly string[] = []): Promise<Caller> {
    const names = () => candidates.map((p) => p.name);
    if (!credentials || Object.keys(credentials).length === 0) {
      return Promise.reject(new AuthenticationError('Authentication required', { providers: names(), requiredScopes }));
    }
    const credential = presentedCredential(credentials);
    if (!credential) return Promise.reject(new AuthenticationError('Malformed credentials', { reason: 'invalid_token', providers: names(), requiredScopes }));
    const routed = routeCredential(credentials, credential, candidates);
    if (routed.length === 0) {
      return Promise.reject(new AuthenticationError('No configured provider accepts these credentials', { reason: 'invalid_token', providers: names(), requiredScopes }));
    }
    // Only OAuth tokens (which the server cannot check by itself) are looked up in the session store.
    const sessions = credential.kind === 'bearer' && routed.some(isRefreshingProvider) ? this.options.sessions : undefined;
    if (!sessions) return this.ask(credentials, routed, requiredScopes).then(({ result }) => ({ auth: this.enrich(result.context), session: result.session }));
    return sessions.find(credential.value, routed, requiredScopes).then(async (found) => {
      if (found) return { auth: this.enrich(found.auth), session: found.session };
      const { provider, result } = await this.ask(credentials, routed, requiredScopes);
      const auth = this.enrich(result.context);
      if (result.session || !isRefreshingProvider(provider)) return { auth, session: result.session };
      return { auth, session: await sessions.remember(result.context, credential.value, provider, requiredScopes) };
    });
  }

  /** Asks the routed providers in order; the first success wins, else the most useful refusal. */
  private async ask(
    credentials: Credentials,
    routed: readonly AuthProvider[],
    requiredScopes: readonly string[],
  ): Promise<{ provider: AuthProvider; result: AuthResult & { context: AuthContext } }> {
    let reason: Exclude<AuthenticationFailure, 'authentication_required'> = 'invalid_token';
    let message = 'Invalid credentials';
    for (const provider of routed) {
      let result: AuthResult;
      try {
        result = await provider.authenticate(credentials);
      } catch {
        // Treated as unavailable, without repeating its message (it may hold a token).
        result = { success: false, reason: 'provider_unavailable', error: 'provider failed unexpectedly' };
      }
      if (result.success && result.context) return { provider, result: result as AuthResult & { context: AuthContext } };
      const candidate = result.reason ?? 'invalid_token';
      if (REASON_RANK[candidate] >= REASON_RANK[reason]) {
        reason = candidate;
        message = result.error ? `${provider.name}: ${result.error}` : message;
      }
    }
    throw new AuthenticationError(message, { reason, providers: routed.map((p) => p.name), requiredScopes });
  }

  /** Applies RBAC and manifest scope mappings to a provider's context. */
  private enrich(auth: AuthContext): AuthContext {
    if (!this.options.manifest && !this.options.rbac) return auth;
    let enriched = auth;
    const implied = this.options.manifest?.impliedScopes(auth.provider, auth.scopes) ?? [];
    if (implied.some((s) => !auth.scopes.has(s))) enriched = enriched.with({ scopes: [...auth.scopes, ...implied] });
    if (this.options.rbac) enriched = this.options.rbac.expand(enriched);
    return enriched;
  }
}
