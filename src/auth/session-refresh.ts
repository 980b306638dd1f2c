import { AuthenticationError, OAuthRequiredError } from './errors';
import { isRefreshingProvider, type AuthProvider, type RefreshingAuthProvider } from './provider';
import type { SessionData } from '../session/session-data';
import type { SessionStore } from '../session/session-store';
import type { AuthEvents } from './events/auth-events';
import { describeError, type Logger } from '../logging/logger';

/** How long a refused refresh waits for a rival's tokens to be stored (stores without a refresh lock). */
const RIVAL_REFRESH_WAIT_MS = 1000;
const RIVAL_REFRESH_POLL_MS = 25;
/** How long a cross-process refresh lock lives if its holder dies. */
const REFRESH_LOCK_TTL_MS = 15_000;

export interface SessionRefreshOptions {
  store: SessionStore;
  /** Refresh when `needsRefresh(bufferSeconds)` (default true). */
  autoRefresh: boolean;
  bufferSeconds: number;
  /** Where `session:refreshed` and `session:refresh_failed` go. */
  events?: AuthEvents;
  /** Where a failing session store is logged. */
  logger?: Logger;
}

/**
 * Keeps OAuth sessions' provider tokens fresh: a session about to expire is refreshed before use,
 * once for all concurrent callers in this process, and — with a store that offers `lockRefresh`
 * (Redis) — once across every process sharing the store; the others wait for the winner's tokens.
 */
export class SessionRefresh {
  private readonly inFlight = new Map<string, Promise<SessionData>>();

  constructor(private readonly options: SessionRefreshOptions) {}

  /** Whether the session's provider token should be refreshed before use. */
  isDue(session: SessionData, provider: AuthProvider): provider is RefreshingAuthProvider {
    return this.options.autoRefresh && !!session.refreshToken && session.needsRefresh(this.options.bufferSeconds) && isRefreshingProvider(provider);
  }

  /** `session`, refreshed first when due. Every caller gets its own copy, also when they shared a refresh. */
  async freshen(session: SessionData, provider: AuthProvider, requiredScopes: readonly string[]): Promise<SessionData> {
    if (!this.isDue(session, provider)) return session;
    const key = `${session.provider ?? ''}\u0000${session.userId}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.refreshOnce(session, provider, requiredScopes).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
      // Reported once per refresh, not once per caller waiting for it.
      pending.catch((error: unknown) => this.reportFailure(session, error));
    }
    return (await pending).clone();
  }

  private async refreshOnce(session: SessionData, provider: RefreshingAuthProvider, requiredScopes: readonly string[]): Promise<SessionData> {
    const { store } = this.options;
    if (!store.lockRefresh) return this.refreshHolding(session, provider, requiredScopes, false);
    // Across processes: whoever takes the lock refreshes; the others wait for its tokens, and take
    // the lock themselves if it is released (or expires with a crashed holder) without them.
    const deadline = Date.now() + REFRESH_LOCK_TTL_MS + RIVAL_REFRESH_WAIT_MS;
    for (;;) {
      const release = await guard(() => store.lockRefresh!(session.userId, session.provider, REFRESH_LOCK_TTL_MS), provider.name, this.options.logger);
      if (release) {
        try {
          return await this.refreshHolding(session, provider, requiredScopes, true);
        } finally {
          await release().catch(() => undefined);
        }
      }
      const latest = await this.load(session, provider);
      if (latest && this.refreshedSince(latest, session)) return latest;
      if (Date.now() >= deadline) {
        throw new AuthenticationError(`${provider.name}: the session is being refreshed elsewhere; try again`, {
          reason: 'provider_unavailable',
          providers: [provider.name],
          requiredScopes,
        });
      }
      await sleep(RIVAL_REFRESH_POLL_MS);
    }
  }

  /** Refreshes (this process being the only refresher when `exclusive`) and stores the new tokens. */
  private async refreshHolding(session: SessionData, provider: RefreshingAuthProvider, requiredScopes: readonly string[], exclusive: boolean): Promise<SessionData> {
    // Another process may have refreshed already: the store is the source of truth.
    const current = (await this.load(session, provider)) ?? session;
    if (this.refreshedSince(current, session)) return current;
    let tokens;
    try {
      tokens = await provider.refreshAccessToken(current.refreshToken ?? session.refreshToken!);
    } catch (error) {
      return this.afterFailedRefresh(error, current, provider, requiredScopes, !exclusive);
    }
    const update = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresIn: tokens.expires_in };
    const refreshed = await guard(() => this.options.store.updateTokens(current.userId, update, current.provider), provider.name, this.options.logger);
    this.options.events?.emit('session:refreshed', { provider: current.provider ?? '', userId: current.userId });
    return refreshed;
  }

  private reportFailure(session: SessionData, error: unknown): void {
    const unavailable = error instanceof AuthenticationError && error.reason === 'provider_unavailable';
    this.options.events?.emit('session:refresh_failed', {
      provider: session.provider ?? '',
      userId: session.userId,
      reason: unavailable ? 'provider_unavailable' : 'refused',
    });
  }

  /**
   * A refused refresh means the user must authorize again: -31001, with the URL when one can be
   * built. Except when another process won the race with a rotating refresh token (its refresh
   * spent ours): then its result is in the store. A provider that is down is an outage, not a
   * reason to re-authorize.
   */
  private async afterFailedRefresh(
    error: unknown,
    tried: SessionData,
    provider: RefreshingAuthProvider,
    requiredScopes: readonly string[],
    rivalPossible: boolean,
  ): Promise<SessionData> {
    const providers = [provider.name];
    if (error instanceof AuthenticationError && error.reason === 'provider_unavailable') {
      throw new AuthenticationError(`${provider.name} could not refresh the session; try again later`, { reason: 'provider_unavailable', providers, requiredScopes });
    }
    const rival = rivalPossible ? await this.refreshedElsewhere(tried, provider) : null;
    if (rival) return rival;
    let authorizationUrl: string | undefined;
    try {
      authorizationUrl = (await provider.generateAuthorizationUrl({ scopes: tried.scopes })).url;
    } catch {
      // No redirect URI configured, or the state store is down: refuse all the same, without a URL.
    }
    const message = 'The session could not be refreshed; authorize again';
    if (authorizationUrl === undefined) throw new AuthenticationError(message, { providers, requiredScopes });
    throw new OAuthRequiredError(message, { providers, requiredScopes, authorizationUrl });
  }

  /** The session as another process refreshed it, if that lands in the store within a short wait. */
  private async refreshedElsewhere(seen: SessionData, provider: AuthProvider): Promise<SessionData | null> {
    const deadline = Date.now() + RIVAL_REFRESH_WAIT_MS;
    for (;;) {
      const latest = await this.load(seen, provider);
      if (!latest) return null;
      if (this.refreshedSince(latest, seen)) return latest;
      if (Date.now() >= deadline) return null;
      await sleep(RIVAL_REFRESH_POLL_MS);
    }
  }

  /** Whether `latest` holds a newer token than `seen` that is not itself due for refresh. */
  private refreshedSince(latest: SessionData, seen: SessionData): boolean {
    return latest.accessToken !== seen.accessToken && !latest.needsRefresh(this.options.bufferSeconds);
  }

  private load(session: SessionData, provider: AuthProvider): Promise<SessionData | null> {
    return guard(() => this.options.store.load(session.userId, session.provider), provider.name, this.options.logger);
  }
}

/**
 * A store that fails makes authentication fail closed, with a clear error and no token; why it
 * failed (Redis down, a wrong `encryptionKey`) is logged, since the client is only told it is unavailable.
 */
export async function guard<T>(operation: () => Promise<T>, providerName: string, logger?: Logger): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AuthenticationError) throw error;
    logger?.error({ provider: providerName, error: describeError(error) }, 'the session store failed');
    throw new AuthenticationError('The session store is unavailable', { reason: 'provider_unavailable', providers: [providerName] });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
