import type { AuthContext } from '../auth-context';
import { AuthenticationError } from '../errors';
import type { OAuthProvider } from '../oauth/oauth-provider';
import { sessionFromLogin } from '../oauth/server-login';
import type { TokenResponse } from '../provider';
import type { SessionData } from '../../session/session-data';
import type { SessionStore } from '../../session/session-store';
import type { AuthEvents } from '../events/auth-events';
import type { Logger } from '../../logging/logger';
import { guard, SessionRefresh } from '../session-refresh';
import type { UpstreamIdentity } from './records';

/** The upstream refused: the user must log in again (their grants here end). */
export class UpstreamRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamRefusedError';
  }
}

/** The upstream (or the session store) could not be asked: try again later. */
export class UpstreamUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamUnavailableError';
  }
}

export interface UpstreamSessionsOptions {
  /** Refresh the upstream token when a request finds it about to expire. */
  autoRefresh: boolean;
  /** How long before expiry a token counts as due (seconds). */
  refreshBufferSeconds: number;
  /** Where `session:refreshed` and `session:refresh_failed` go. */
  events?: AuthEvents;
  /** Where a failing session store is logged. */
  logger?: Logger;
}

/**
 * The upstream tokens of each user, kept in the `SessionStore` under (upstream name, user id) and
 * never shown to a client. Refreshing is the middleware's `SessionRefresh`: once for all
 * concurrent requests in this process and, with a store that offers `lockRefresh`, across replicas;
 * each caller gets its own copy. Its failures are told apart here: the upstream refused (log in
 * again) or could not be asked.
 */
export class UpstreamSessions {
  private readonly refresh: SessionRefresh;

  constructor(
    private readonly upstream: OAuthProvider,
    readonly store: SessionStore,
    private readonly options: UpstreamSessionsOptions,
  ) {
    // `recheck` refreshes whatever `autoRefresh` says; `forRequest` honours it.
    this.refresh = new SessionRefresh({ store, autoRefresh: true, bufferSeconds: options.refreshBufferSeconds, events: options.events, logger: options.logger });
  }

  /** Saves the tokens of a finished upstream login (keeping a refresh token the new answer lacks). */
  async saveLogin(token: TokenResponse, authContext: AuthContext): Promise<void> {
    const existing = await this.load(authContext.userId);
    const session = sessionFromLogin({ provider: this.upstream, token, authContext, requestedScopes: [] });
    if (session.refreshToken === undefined && existing?.refreshToken !== undefined) session.refreshToken = existing.refreshToken;
    await this.storeCall(() => this.store.save(session));
  }

  /**
   * The user's session for a request: `null` when there is none; refreshed first when due and
   * `autoRefresh` is on. Throws `UpstreamRefusedError` / `UpstreamUnavailableError` when that refresh fails.
   */
  async forRequest(userId: string): Promise<SessionData | null> {
    const session = await this.load(userId);
    if (!session || !this.options.autoRefresh) return session;
    return this.fresh(session);
  }

  /**
   * Re-checks the user with the upstream (refreshing the upstream token first when it is due):
   * the identity as the upstream reports it now.
   */
  async recheck(userId: string): Promise<UpstreamIdentity> {
    const stored = await this.load(userId);
    if (!stored) throw new UpstreamRefusedError(`No ${this.upstream.name} session for this user`);
    const session = await this.fresh(stored);
    const result = await this.upstream.authenticate({ access_token: session.accessToken });
    if (!result.success || !result.context) {
      if (result.reason === 'provider_unavailable') throw new UpstreamUnavailableError(`${this.upstream.name} could not check the user`);
      throw new UpstreamRefusedError(`${this.upstream.name} no longer accepts the user's token`);
    }
    if (result.context.userId !== userId) throw new UpstreamRefusedError(`${this.upstream.name} reports another user`);
    return identityOf(result.context);
  }

  /** `session`, refreshed first when due; an expired token that cannot be refreshed is a refusal. */
  private async fresh(session: SessionData): Promise<SessionData> {
    const current = await this.upstreamCall(() => this.refresh.freshen(session, this.upstream, []));
    if (current.isExpired()) throw new UpstreamRefusedError(`The ${this.upstream.name} token expired and cannot be refreshed`);
    return current;
  }

  private load(userId: string): Promise<SessionData | null> {
    return this.storeCall(() => this.store.load(userId, this.upstream.name));
  }

  /** A store call; a failure is logged (by `guard`) and becomes `UpstreamUnavailableError`. */
  private storeCall<T>(operation: () => Promise<T>): Promise<T> {
    return this.upstreamCall(() => guard(operation, this.upstream.name, this.options.logger));
  }

  /**
   * What `SessionRefresh` and `guard` throw, told apart: unavailable (the upstream or the store
   * could not be asked) or refused (the user must log in again). Never with the failure's own message.
   */
  private async upstreamCall<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof AuthenticationError && error.reason !== 'provider_unavailable') {
        throw new UpstreamRefusedError(`${this.upstream.name} refused to refresh the session`);
      }
      throw new UpstreamUnavailableError(`${this.upstream.name} or the session store could not be reached`);
    }
  }
}

export function identityOf(auth: AuthContext): UpstreamIdentity {
  return {
    userId: auth.userId,
    ...(auth.username !== undefined && { username: auth.username }),
    roles: [...auth.roles],
    permissions: [...auth.permissions],
  };
}
