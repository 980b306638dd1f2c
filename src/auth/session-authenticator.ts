import { AuthContext } from './auth-context';
import { CallerAuthenticator, type AuthenticatedCaller, type CallerAuthenticatorOptions } from './caller-authenticator';
import { AuthenticationError, OAuthRequiredError } from './errors';
import { isRefreshingProvider, type AuthProvider, type Credentials, type RefreshingAuthProvider } from './provider';
import type { PresentedCredential } from './credential-routing';
import { SessionData, epochSeconds } from '../session/session-data';
import type { SessionStore } from '../session/session-store';
import { isPeekable, LENDING_REVISION, PEEK_BY_ACCESS_TOKEN } from '../session/session-peek';
import type { ConnectionAuthMemo } from './connection-auth-memo';

/** Where a session keeps the verified identity, so a token found by hash needs no provider call. */
export const SESSION_IDENTITY_KEY = 'nextmcp.identity';

/** How long a refused refresh waits for another replica's refresh of the same session to be stored. */
const RIVAL_REFRESH_WAIT_MS = 1000;
const RIVAL_REFRESH_POLL_MS = 25;

export interface IdentitySnapshot {
  username?: string;
  roles?: string[];
  permissions?: string[];
  claims?: Record<string, unknown>;
}

export interface SessionAuthenticatorOptions extends CallerAuthenticatorOptions {
  sessionStore: SessionStore;
  /** Refresh a session's provider token when it `needsRefresh()` (default true). */
  autoRefreshTokens?: boolean;
  /** How long before expiry a token counts as needing refresh; default 300 s. */
  refreshBufferSeconds?: number;
  /**
   * How long a session vouches for its token before the provider is asked again; default 300 s.
   * Bounds how long a token revoked at the provider (or one that never expires) stays accepted.
   */
  sessionTrustSeconds?: number;
}

/**
 * Authentication with provider sessions. A bearer token that is a session's current access token
 * is accepted from the session (found through the store's token-hash index, no provider call),
 * unless the session has expired; otherwise the provider checks it and the first success creates
 * the session. With `autoRefreshTokens`, a session about to expire is refreshed before use,
 * single-flight per session, so tools get fresh provider tokens in `ctx.session`.
 */
export class SessionAuthenticator extends CallerAuthenticator {
  private readonly store: SessionStore;
  private readonly autoRefresh: boolean;
  private readonly bufferSeconds: number;
  private readonly trustSeconds: number;
  private readonly refreshing = new Map<string, Promise<SessionData>>();
  /**
   * The caller each stored session stands for, for stores that can be peeked: keyed by the stored
   * object, whose identity changes with every change to the session, so an entry can never be stale.
   */
  private readonly callers = new WeakMap<SessionData, AuthContext>();

  constructor(options: SessionAuthenticatorOptions) {
    super(options);
    this.store = options.sessionStore;
    this.autoRefresh = options.autoRefreshTokens ?? true;
    this.bufferSeconds = options.refreshBufferSeconds ?? 300;
    this.trustSeconds = options.sessionTrustSeconds ?? 300;
  }

  get sessionStore(): SessionStore {
    return this.store;
  }

  /**
   * The caller for a bearer token whose session this process's store lends, when that settles it
   * without waiting: the same answer `authenticate()` gives on its session fast path. `undefined`
   * whenever anything else may apply (no such session, expired, refresh due, trust window over,
   * routing that needs the token's issuer): then `authenticate()` decides.
   */
  override authenticateNow(
    credentials: Credentials,
    candidates: readonly AuthProvider[],
    authMemo?: ConnectionAuthMemo,
  ): AuthenticatedCaller | undefined {
    const store = this.store;
    const token = credentials.access_token;
    // Sessions are for bearer tokens: anything else is settled as without sessions.
    if (typeof token !== 'string' || token === '') return super.authenticateNow(credentials, candidates, authMemo);
    if (!isPeekable(store) || typeof credentials.provider === 'string') return undefined;
    // The connection's last answer holds while the store is unchanged and the session's time lasts.
    const revision = store[LENDING_REVISION];
    const remembered = revision === undefined ? undefined : authMemo?.recallCaller(this, candidates, revision, token);
    if (remembered && epochSeconds() < remembered.validUntil) return new LendingCaller(remembered.auth, remembered.session);
    const routed = this.routeWithoutHint('bearer', candidates);
    const found = routed && store[PEEK_BY_ACCESS_TOKEN](token, authMemo?.hash(token));
    const lent = found && this.lend(found, routed);
    if (!lent) return undefined;
    if (revision !== undefined) authMemo?.rememberCaller({ owner: this, candidates, revision, token, ...lent });
    return new LendingCaller(lent.auth, lent.session);
  }

  /** A lent session that vouches for its token as it is: its caller; else `undefined`. */
  private lentCaller(found: SessionData, routed: readonly AuthProvider[]): AuthenticatedCaller | undefined {
    const lent = this.lend(found, routed);
    return lent && new LendingCaller(lent.auth, lent.session);
  }

  /** What a lent session stands for, and until when, if it vouches for its token now. */
  private lend(found: SessionData, routed: readonly AuthProvider[]): { auth: AuthContext; session: SessionData; validUntil: number } | undefined {
    const validUntil = this.vouchesUntil(found, routed.find((p) => p.name === found.provider));
    return epochSeconds() < validUntil ? { auth: this.callerOf(found), session: found, validUntil } : undefined;
  }

  /**
   * Epoch seconds from which the session no longer vouches for its token as it is: when it
   * expires (`isExpired`), its trust window ends (`vouches`), or a refresh falls due
   * (`dueForRefresh`), whichever comes first; 0 when no routed provider owns it.
   */
  private vouchesUntil(session: SessionData, provider: AuthProvider | undefined): number {
    // Sessions stand for providers that can refresh; any other (e.g. the authorization server) is asked.
    if (!provider || !isRefreshingProvider(provider)) return 0;
    let until = session.updatedAt + this.trustSeconds;
    if (session.expiresAt === undefined) return until;
    until = Math.min(until, session.expiresAt);
    const refreshes = this.autoRefresh && !!session.refreshToken && isRefreshingProvider(provider);
    return refreshes ? Math.min(until, session.expiresAt - this.bufferSeconds) : until;
  }

  /** Whether the session was verified recently enough to vouch for its token. */
  private vouches(session: SessionData, now: number = epochSeconds()): boolean {
    return now - session.updatedAt < this.trustSeconds;
  }

  protected override async verify(
    credentials: Credentials,
    credential: PresentedCredential,
    routed: readonly AuthProvider[],
    requiredScopes: readonly string[],
  ): Promise<AuthenticatedCaller> {
    if (credential.kind !== 'bearer') return super.verify(credentials, credential, routed, requiredScopes);
    const providers = () => routed.map((p) => p.name);
    // A store in this process lends its own (frozen) copy: nothing is copied unless a handler reads it.
    const shared = isPeekable(this.store) ? this.store[PEEK_BY_ACCESS_TOKEN](credential.value) : undefined;
    const lent = shared && this.lentCaller(shared, routed);
    if (lent) return lent;
    // A store that lends has answered already; any other is asked.
    const found = isPeekable(this.store) ? shared : await this.guard(() => this.store.findByAccessToken(credential.value), providers());
    // The session must belong to a provider this request may use (never another provider's identity).
    const provider = found && routed.find((p) => p.name === found.provider && isRefreshingProvider(p));
    if (found && provider) {
      if (found.isExpired()) {
        throw new AuthenticationError('The access token has expired', { reason: 'token_expired', providers: providers(), requiredScopes });
      }
      if (this.vouches(found)) {
        const session = await this.freshen(found, provider, requiredScopes);
        const auth = this.callerOf(found);
        return session === shared ? new LendingCaller(auth, shared) : { auth, session };
      }
    }
    const caller = await super.verify(credentials, credential, routed, requiredScopes);
    // A caller that came with its own session, or from a provider that cannot refresh, is used as is.
    const answered = routed.find((p) => p.name === caller.auth.provider);
    if (caller.session || !answered || !isRefreshingProvider(answered)) return caller;
    const remembered = await this.guard(() => this.remember(caller.auth, credential.value), [caller.auth.provider]);
    const owner = routed.find((p) => p.name === remembered.provider);
    const session = owner ? await this.freshen(remembered, owner, requiredScopes) : remembered;
    return { ...caller, session };
  }

  /** The enriched caller a session stands for, built once per stored revision when the store lends it. */
  private callerOf(session: SessionData): AuthContext {
    let auth = this.callers.get(session);
    if (!auth) {
      auth = this.enrich(contextFromSession(session));
      if (Object.isFrozen(session)) this.callers.set(session, auth);
    }
    return auth;
  }

  /** Creates the session on first success; an existing session with a refresh token is kept. */
  private async remember(auth: AuthContext, token: string): Promise<SessionData> {
    const existing = await this.store.load(auth.userId, auth.provider);
    if (existing && existing.accessToken === token) {
      // Verified again just now: the session vouches for the token for another trust period.
      const reverified = new SessionData({
        ...existing.toJSON(),
        updatedAt: epochSeconds(),
        metadata: { ...existing.metadata, [SESSION_IDENTITY_KEY]: identitySnapshot(auth) },
      });
      await this.store.save(reverified);
      return reverified;
    }
    if (existing && existing.refreshToken && !existing.isExpired()) return existing;
    const session = new SessionData({
      userId: auth.userId,
      provider: auth.provider,
      accessToken: token,
      refreshToken: existing?.refreshToken,
      expiresAt: auth.expiresAt,
      scopes: [...auth.scopes],
      userInfo: { ...existing?.userInfo, ...(auth.username !== undefined && { username: auth.username }) },
      metadata: { ...existing?.metadata, [SESSION_IDENTITY_KEY]: identitySnapshot(auth) },
      createdAt: existing?.createdAt,
    });
    await this.store.save(session);
    return session;
  }

  /** Whether the session's provider token should be refreshed before use. */
  private dueForRefresh(session: SessionData, provider: AuthProvider): provider is RefreshingAuthProvider {
    return this.autoRefresh && !!session.refreshToken && session.needsRefresh(this.bufferSeconds) && isRefreshingProvider(provider);
  }

  /** Refreshes the session's provider token when due; concurrent callers share one refresh. */
  private async freshen(session: SessionData, provider: AuthProvider, requiredScopes: readonly string[]): Promise<SessionData> {
    if (!this.dueForRefresh(session, provider)) return session;
    const key = `${session.provider ?? ''}\u0000${session.userId}`;
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.refresh(session, provider, requiredScopes).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private async refresh(session: SessionData, provider: RefreshingAuthProvider, requiredScopes: readonly string[]): Promise<SessionData> {
    // Another replica may have refreshed already: the store is the source of truth.
    const current = (await this.load(session, provider)) ?? session;
    if (this.refreshedElsewhere(current, session)) return current;
    let tokens;
    try {
      tokens = await provider.refreshAccessToken(current.refreshToken ?? session.refreshToken!);
    } catch (error) {
      return this.afterFailedRefresh(error, current, provider, requiredScopes);
    }
    return this.guard(
      () =>
        this.store.updateTokens(
          current.userId,
          { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresIn: tokens.expires_in },
          current.provider,
        ),
      [provider.name],
    );
  }

  /**
   * A refused refresh means the user must authorize again: -31001, with the URL when one can be
   * built. Except when another replica won the race with a rotating refresh token (its refresh
   * spent ours): then its result is in the store. A provider that is down is an outage (retry
   * later, DESIGN §5), not a reason to re-authorize.
   */
  private async afterFailedRefresh(
    error: unknown,
    tried: SessionData,
    provider: RefreshingAuthProvider,
    requiredScopes: readonly string[],
  ): Promise<SessionData> {
    const providers = [provider.name];
    if (error instanceof AuthenticationError && error.reason === 'provider_unavailable') {
      throw new AuthenticationError(`${provider.name} could not refresh the session; try again later`, {
        reason: 'provider_unavailable',
        providers,
        requiredScopes,
      });
    }
    const rival = await this.rivalRefresh(tried, provider);
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

  /** The session as another replica refreshed it, if that lands in the store within a short wait. */
  private async rivalRefresh(tried: SessionData, provider: AuthProvider): Promise<SessionData | null> {
    // The rival's token response came back with ours; its write to the store may still be on the way.
    const deadline = Date.now() + RIVAL_REFRESH_WAIT_MS;
    for (;;) {
      const latest = await this.load(tried, provider);
      if (!latest) return null;
      if (this.refreshedElsewhere(latest, tried)) return latest;
      if (Date.now() >= deadline) return null;
      await new Promise((done) => setTimeout(done, RIVAL_REFRESH_POLL_MS));
    }
  }

  /** Whether `latest` holds a newer token than `seen` that is not itself due for refresh. */
  private refreshedElsewhere(latest: SessionData, seen: SessionData): boolean {
    return latest.accessToken !== seen.accessToken && !latest.needsRefresh(this.bufferSeconds);
  }

  private load(session: SessionData, provider: AuthProvider): Promise<SessionData | null> {
    return this.guard(() => this.store.load(session.userId, session.provider), [provider.name]);
  }

  /** A store that fails makes authentication fail closed, with a clear error and no token. */
  private async guard<T>(operation: () => Promise<T>, providers: string[]): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError('The session store is unavailable', { reason: 'provider_unavailable', providers });
    }
  }
}

/** A caller whose session is the store's shared copy: the handler gets its own copy, made on first read. */
class LendingCaller implements AuthenticatedCaller {
  #copy?: SessionData;

  constructor(
    readonly auth: AuthContext,
    private readonly shared: SessionData,
  ) {}

  get session(): SessionData {
    return (this.#copy ??= this.shared.clone());
  }
}

/** What a session remembers of a verified identity (see `contextFromSession`). */
export function identitySnapshot(auth: AuthContext): IdentitySnapshot {
  return {
    username: auth.username,
    roles: [...auth.roles],
    permissions: [...auth.permissions],
    claims: { ...auth.claims },
  };
}

/** The caller a session stands for: the identity verified when it was created, or its own fields. */
export function contextFromSession(session: SessionData): AuthContext {
  const identity = (session.metadata[SESSION_IDENTITY_KEY] ?? {}) as IdentitySnapshot;
  const username = identity.username ?? (typeof session.userInfo.username === 'string' ? session.userInfo.username : undefined);
  return new AuthContext({
    userId: session.userId,
    provider: session.provider ?? '',
    username,
    scopes: session.scopes,
    roles: identity.roles,
    permissions: identity.permissions,
    claims: identity.claims,
    metadata: { session: true },
    expiresAt: session.expiresAt,
  });
}
