import type { SessionData } from './session-data';

/** New tokens from a refresh (or re-authorization) response. */
export interface TokenUpdate {
  /** The new access token. */
  accessToken: string;
  /** A rotated refresh token replaces the stored one; omitted keeps the stored one. */
  refreshToken?: string;
  /** Seconds from now; sets `expiresAt = now + expiresIn`. Omitted keeps the stored `expiresAt`. */
  expiresIn?: number;
}

/** Stops a timer started by `startCleanup`. Calling it twice is harmless. */
export type StopCleanup = () => void;

/**
 * A change made through one store object, as `onChange` reports it. Today only deletes are
 * reported; check `type`, as more kinds may be added.
 */
export interface SessionChange {
  /** What happened: a session was removed. */
  type: 'deleted';
  /** The user id of the session. */
  userId: string;
  /** The session's provider; `''` for a session saved without one. */
  provider: string;
}

/** Told about each change made through a store; see `SessionStore.onChange`. */
export type SessionChangeListener = (change: SessionChange) => void;

/**
 * Where sessions live. Every method is async. A session's identity is (provider, userId): github
 * user "123" and google user "123" are two sessions, and a session from one provider is never
 * returned for the other. A session saved without a provider has the identity ('', userId).
 *
 * Methods that take an optional `provider` and are called without one act on the user's only
 * session; when the user has sessions from several providers they throw `AmbiguousSessionError`
 * (`exists` just answers whether any exists). The user's sessions are found through a per-user
 * index, never by scanning all sessions.
 *
 * Expiry: a session whose `expiresAt` has passed is still returned (by `load`, `findByAccessToken`,
 * `exists`, `listUsers`) so the caller can tell "expired" from "unknown" and may still use its
 * refresh token; callers check `isExpired()`. `cleanupExpired()` removes such sessions, and every
 * store forgets a session by itself once it has been expired for `retainExpiredSeconds`
 * (default one day; Redis through the key's TTL).
 *
 * @example
 * const store: SessionStore = new MemorySessionStore();
 * await store.save(new SessionData({ userId: '123', provider: 'github', accessToken }));
 * const session = await store.findByAccessToken(accessToken);
 * if (session && !session.isExpired()) { … }
 * const stop = store.startCleanup(60_000);
 */
export interface SessionStore {
  /** Creates or replaces the session for (session.provider, session.userId). */
  save(session: SessionData): Promise<void>;
  /** The session, or `null` when none exists. */
  load(userId: string, provider?: string): Promise<SessionData | null>;
  /** Whether something was removed. */
  delete(userId: string, provider?: string): Promise<boolean>;
  /** Whether the identity has a session (any provider when none is named). */
  exists(userId: string, provider?: string): Promise<boolean>;
  /** Distinct user ids that have at least one session. */
  listUsers(): Promise<string[]>;
  /** Removes every session; resolves to how many were removed. */
  clearAll(): Promise<number>;
  /**
   * Replaces the tokens of an existing session (a refresh) and resolves to the updated session.
   * The old access token stops finding the session; the new one finds it.
   *
   * @throws SessionNotFoundError when there is no such session.
   */
  updateTokens(userId: string, update: TokenUpdate, provider?: string): Promise<SessionData>;
  /** Removes sessions whose `expiresAt` has passed; resolves to how many were removed. */
  cleanupExpired(): Promise<number>;
  /**
   * The session whose current access token is `token`, through an index keyed by `hashToken(token)`
   * (O(1), never a scan). An expired session is returned too: check `isExpired()`.
   */
  findByAccessToken(token: string): Promise<SessionData | null>;
  /**
   * Runs `cleanupExpired()` every `intervalMs` on an unref'd timer (it never keeps the process
   * alive). Failures are logged as warnings and do not stop the timer. `close()` stops it too.
   */
  startCleanup(intervalMs: number): StopCleanup;
  /** Stops cleanup timers and releases connections the store opened itself. */
  close(): Promise<void>;
  /**
   * Optional, for stores shared between processes (`RedisSessionStore`): a short lock so that one
   * process at a time refreshes the session of (provider, userId); a call without a provider locks
   * the ('', userId) identity. Resolves to a function that releases this holder's lock (never
   * another's; calling it twice is harmless; it does not reject, as the lock expires anyway), or
   * to `null` when someone else holds it. The lock expires by itself after `ttlMs`, so a crashed
   * holder delays the others by at most that. Stores without it refresh single-flight in-process.
   *
   * @example
   * const release = await store.lockRefresh?.(userId, 'google', 10_000);
   * if (release === null) {
   *   // another process is refreshing: wait for its tokens (store.load) instead of refreshing too
   * } else {
   *   try { await refreshNow(); } finally { await release?.(); }
   * }
   */
  lockRefresh?(userId: string, provider: string | undefined, ttlMs: number): Promise<(() => Promise<void>) | null>;
  /**
   * Optional: calls `listener` after each session removed through this store object — by
   * `delete`, `clearAll`, `cleanupExpired`, a `save` of a session already past retention, or (a
   * bounded `MemorySessionStore`) an eviction — whoever called it, the application or the package.
   * Sessions that lapse by themselves (past `retainExpiredSeconds`, a Redis TTL) and changes made
   * by other processes are not reported. Resolves nothing and is not awaited; a listener that
   * throws is logged and the store carries on. Returns a function that removes the listener.
   * A `NextMCP` server subscribes to the stores its auth middleware uses to emit `session:deleted`.
   *
   * @example
   * const stop = store.onChange?.((change) => {
   *   if (change.type === 'deleted') audit.write({ event: 'logout', user: change.userId, provider: change.provider });
   * });
   * await store.delete('123', 'github'); // the listener hears { type: 'deleted', userId: '123', provider: 'github' }
   * stop?.();
   */
  onChange?(listener: SessionChangeListener): () => void;
}
