import type { AuthContext } from '../auth-context';
import { AuthenticationError } from '../errors';
import type { OAuthProvider } from '../oauth/oauth-provider';
import { sessionFromLogin } from '../oauth/server-login';
import type { TokenResponse } from '../provider';
import type { SessionData } from '../../session/session-data';
import type { SessionStore } from '../../session/session-store';
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
}

/**
 * The upstream tokens of each user, kept in the `SessionStore` under (upstream name, user id) and
 * never shown to a client. Refreshes are single-flight per user in this process, and a session
 * another replica refreshed meanwhile is taken from the store instead of refreshed again.
 */
export class UpstreamSessions {
  private readonly refreshing = new Map<string, Promise<SessionData>>();

  constructor(
    private readonly upstream: OAuthProvider,
    readonly store: SessionStore,
    private readonly options: UpstreamSessionsOptions,
  ) {}

  /** Saves the tokens of a finished upstream login (keeping a refresh token the new answer lacks). */
  async saveLogin(token: TokenResponse, authContext: AuthContext): Promise<void> {
    const existing = await this.guard(() => this.store.load(authContext.userId, this.upstream.name));
    const session = sessionFromLogin({ provider: this.upstream, token, authContext, requestedScopes: [] });
    if (session.refreshToken === undefined && existing?.refreshToken !== undefined) session.refreshToken = existing.refreshToken;
    await this.guard(() => this.store.save(session));
  }

  /**
   * The user's session for a request: `null` when there is none; refreshed first when due and
   * `autoRefresh` is on. Throws `UpstreamRefusedError` / `UpstreamUnavailableError` when that refresh fails.
   */
  async forRequest(userId: string): Promise<SessionData | null> {
    const session = await this.guard(() => this.store.load(userId, this.upstream.name));
    if (!session || !this.options.autoRefresh || !this.isDue(session)) return session;
    return this.refresh(session);
  }

  /**
   * Re-checks the user with the upstream (refreshing the upstream token first when it is due):
   * the identity as the upstream reports it now.
   */
  async recheck(userId: string): Promise<UpstreamIdentity> {
    let session = await this.guard(() => this.store.load(userId, this.upstream.name));
    if (!session) throw new UpstreamRefusedError(`No ${this.upstream.name} session for this user`);
    if (this.isDue(session) || session.isExpired()) session = await this.refresh(session);
    const result = await this.upstream.authenticate({ access_token: session.accessToken });
    if (!result.success || !result.context) {
      if (result.reason === 'provider_unavailable') throw new UpstreamUnavailableError(`${this.upstream.name} could not check the user`);
      throw new UpstreamRefusedError(`${this.upstream.name} no longer accepts the user's token`);
    }
    if (result.context.userId !== userId) throw new UpstreamRefusedError(`${this.upstream.name} reports another user`);
    return identityOf(result.context);
  }

  private isDue(session: SessionData): boolean {
    return session.needsRefresh(this.options.refreshBufferSeconds);
  }

  private refresh(session: SessionData): Promise<SessionData> {
    let pending = this.refreshing.get(session.userId);
    if (!pending) {
      pending = this.refreshNow(session).finally(() => this.refreshing.delete(session.userId));
      this.refreshing.set(session.userId, pending);
    }
    return pending;
  }

  private async refreshNow(seen: SessionData): Promise<SessionData> {
    const current = (await this.guard(() => this.store.load(seen.userId, this.upstream.name))) ?? seen;
    // Another replica may have refreshed it already: the store is the source of truth.
    if (current.accessToken !== seen.accessToken && !this.isDue(current)) return current;
    if (!current.refreshToken) {
      if (current.isExpired()) throw new UpstreamRefusedError(`The ${this.upstream.name} token expired and cannot be refreshed`);
      return current;
    }
    let tokens: TokenResponse;
    try {
      tokens = await this.upstream.refreshAccessToken(current.refreshToken);
    } catch (error) {
      if (error instanceof AuthenticationError && error.reason === 'provider_unavailable') {
        throw new UpstreamUnavailableError(`${this.upstream.name} could not refresh the session`);
      }
      throw new UpstreamRefusedError(`${this.upstream.name} refused to refresh the session`);
    }
    return this.guard(() =>
      this.store.updateTokens(
        current.userId,
        { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresIn: tokens.expires_in },
        this.upstream.name,
      ),
    );
  }

  /** A session store that fails is an outage: fail closed, never with its message (it may hold data). */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      throw new UpstreamUnavailableError('The session store is unavailable');
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
