import type { AuthContext } from './auth-context';
import { AuthenticationError } from './errors';
import type { AuthProvider } from './provider';
import { contextFromSession, identitySnapshot, SESSION_IDENTITY_KEY } from './session-identity';
import { guard, SessionRefresh } from './session-refresh';
import { SessionData, epochSeconds } from '../session/session-data';
import type { SessionStore } from '../session/session-store';
import type { AuthEvents } from './events/auth-events';
import type { Logger } from '../logging/logger';

export interface ProviderSessionsOptions {
  store: SessionStore;
  /** Refresh a session's provider token when it `needsRefresh()` (default true). */
  autoRefreshTokens?: boolean;
  /** How long before expiry a token counts as needing refresh; default 300 s. */
  refreshBufferSeconds?: number;
  /** How long a session vouches for its token before the provider is asked again; default 300 s. */
  sessionTrustSeconds?: number;
  /** Where `session:created`, `session:refreshed` and `session:refresh_failed` go. */
  events?: AuthEvents;
  /** Where a failing session store is logged. */
  logger?: Logger;
}

/** A caller found through a session: who, and their own copy of the session. */
export interface SessionCaller {
  auth: AuthContext;
  session: SessionData;
}

/**
 * The sessions of OAuth providers (GitHub, Google: tokens the server cannot check by itself). A
 * bearer token that is a session's current access token is accepted from the session, found by
 * the token's hash, while the session vouches for it (`sessionTrustSeconds` since it was last
 * verified, not expired); the first successful check by the provider creates or renews the session.
 */
export class ProviderSessions {
  readonly store: SessionStore;
  private readonly trustSeconds: number;
  private readonly refresh: SessionRefresh;
  private readonly events?: AuthEvents;
  private readonly logger?: Logger;

  constructor(options: ProviderSessionsOptions) {
    this.store = options.store;
    this.trustSeconds = options.sessionTrustSeconds ?? 300;
    this.events = options.events;
    this.logger = options.logger;
    this.refresh = new SessionRefresh({
      store: options.store,
      autoRefresh: options.autoRefreshTokens ?? true,
      bufferSeconds: options.refreshBufferSeconds ?? 300,
      events: options.events,
      logger: options.logger,
    });
  }

  /**
   * The caller whose session holds `token`, when one of `routed` owns the session and it still
   * vouches for the token; `undefined` means ask the provider. An expired session is a refusal.
   */
  async find(token: string, routed: readonly AuthProvider[], requiredScopes: readonly string[]): Promise<SessionCaller | undefined> {
    const found = await guard(() => this.store.findByAccessToken(token), routed[0]?.name ?? '', this.logger);
    // The session must belong to a provider this request may use (never another provider's identity).
    const provider = found && routed.find((p) => p.name === found.provider);
    if (!found || !provider) return undefined;
    if (found.isExpired()) {
      throw new AuthenticationError('The access token has expired', { reason: 'token_expired', providers: routed.map((p) => p.name), requiredScopes });
    }
    if (epochSeconds() - found.updatedAt >= this.trustSeconds) return undefined;
    return { auth: contextFromSession(found), session: await this.refresh.freshen(found, provider, requiredScopes) };
  }

  /** Creates or renews the session of a caller `provider` has just verified `token` for. */
  async remember(auth: AuthContext, token: string, provider: AuthProvider, requiredScopes: readonly string[]): Promise<SessionData> {
    const session = await guard(() => this.renew(auth, token), provider.name, this.logger);
    return this.refresh.freshen(session, provider, requiredScopes);
  }

  private async renew(auth: AuthContext, token: string): Promise<SessionData> {
    const existing = await this.store.load(auth.userId, auth.provider);
    const identity = { [SESSION_IDENTITY_KEY]: identitySnapshot(auth) };
    if (existing && existing.accessToken === token) {
      // Verified again just now: the session vouches for the token for another trust period.
      const renewed = new SessionData({ ...existing.toJSON(), updatedAt: epochSeconds(), metadata: { ...existing.metadata, ...identity } });
      await this.store.save(renewed);
      return renewed;
    }
    // The server's own upstream session (from a login, with a refresh token) is kept as it is.
    if (existing && existing.refreshToken && !existing.isExpired()) return existing;
    const session = new SessionData({
      userId: auth.userId,
      provider: auth.provider,
      accessToken: token,
      refreshToken: existing?.refreshToken,
      expiresAt: auth.expiresAt,
      scopes: [...auth.scopes],
      userInfo: { ...existing?.userInfo, ...(auth.username !== undefined && { username: auth.username }) },
      metadata: { ...existing?.metadata, ...identity },
      createdAt: existing?.createdAt,
    });
    await this.store.save(session);
    this.events?.emit('session:created', { provider: auth.provider, userId: auth.userId });
    return session;
  }
}
