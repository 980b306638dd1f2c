import { AmbiguousSessionError, SessionNotFoundError } from './errors';
import { RetentionPolicy } from './retention';
import { epochSeconds, SessionData } from './session-data';
import type { SessionChangeListener, SessionStore, StopCleanup, TokenUpdate } from './session-store';
import { describeError, type Logger } from '../logging/logger';
import { componentLogger } from '../logging/component-logger';

/** Options every store takes. */
export interface SessionStoreOptions {
  /**
   * How long an expired session stays retrievable (with `isExpired()` true) before the store
   * forgets it on its own. Default 86 400 (one day). `cleanupExpired()` removes expired sessions
   * at once regardless.
   */
  retainExpiredSeconds?: number;
  /**
   * Where the store logs (cleanup failures, unreadable sessions set aside). Default: the logger of
   * the `NextMCP` server whose auth middleware uses the store, else the console. Redacted either way.
   */
  logger?: Logger;
}

/** The slot a session occupies among one user's sessions: its provider name, `''` for none. */
export function providerSlot(provider: string | undefined): string {
  return provider ?? '';
}

/** The session after a refresh: new access token, rotated refresh token, new expiry. */
export function applyTokenUpdate(session: SessionData, update: TokenUpdate, now: number = epochSeconds()): SessionData {
  const updated = session.clone();
  updated.accessToken = update.accessToken;
  if (update.refreshToken !== undefined) updated.refreshToken = update.refreshToken;
  if (update.expiresIn !== undefined) updated.expiresAt = now + update.expiresIn;
  updated.updatedAt = now;
  return updated;
}

/**
 * What the three stores share: resolving a call without a provider to the user's only session,
 * the identity check on everything read, argument checks, and the cleanup timer. A store supplies
 * the primitives that work on one (userId, slot).
 */
export abstract class BaseSessionStore implements SessionStore {
  protected readonly retention: RetentionPolicy;
  /** The store's logger (its `logger` option, else its server's, else the console), redacted. */
  protected readonly logger: Logger;
  private readonly cleanupTimers = new Set<NodeJS.Timeout>();
  private readonly cleanupRuns = new Set<Promise<void>>();
  private readonly changeListeners = new Set<SessionChangeListener>();

  protected constructor(options: SessionStoreOptions = {}) {
    this.retention = new RetentionPolicy(options.retainExpiredSeconds);
    this.logger = componentLogger(this, options.logger);
  }

  abstract save(session: SessionData): Promise<void>;
  abstract listUsers(): Promise<string[]>;
  abstract clearAll(): Promise<number>;
  abstract cleanupExpired(): Promise<number>;
  abstract findByAccessToken(token: string): Promise<SessionData | null>;

  /** The session in (userId, slot), or null. */
  protected abstract readSession(userId: string, slot: string): Promise<SessionData | null>;
  /** All of the user's sessions, through the per-user index. */
  protected abstract readUserSessions(userId: string): Promise<SessionData[]>;
  /** Removes the session in (userId, slot) and its token index entry. */
  protected abstract removeSession(userId: string, slot: string): Promise<boolean>;
  /** Applies `update` to the session in (userId, slot) as one step; null when there is none. */
  protected abstract replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null>;

  async load(userId: string, provider?: string): Promise<SessionData | null> {
    requireUserId(userId);
    requireProvider(provider);
    if (provider !== undefined) return this.readOwnSession(userId, providerSlot(provider));
    return this.onlySession(userId);
  }

  /** Whether the identity has a session (any provider when none is named). */
  async exists(userId: string, provider?: string): Promise<boolean> {
    requireUserId(userId);
    requireProvider(provider);
    if (provider !== undefined) return (await this.readOwnSession(userId, providerSlot(provider))) !== null;
    return (await this.readOwnUserSessions(userId)).length > 0;
  }

  async delete(userId: string, provider?: string): Promise<boolean> {
    requireUserId(userId);
    requireProvider(provider);
    const slot = provider !== undefined ? providerSlot(provider) : await this.onlySlot(userId);
    if (slot === null || !(await this.removeSession(userId, slot))) return false;
    this.reportDeleted(userId, slot);
    return true;
  }

  async updateTokens(userId: string, update: TokenUpdate, provider?: string): Promise<SessionData> {
    requireUserId(userId);
    requireProvider(provider);
    requireTokenUpdate(update);
    const slot = provider !== undefined ? providerSlot(provider) : await this.onlySlot(userId);
    const updated = slot === null ? null : await this.replaceTokens(userId, slot, update);
    if (!updated) throw new SessionNotFoundError(userId, provider);
    return updated;
  }

  startCleanup(intervalMs: number): StopCleanup {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError('intervalMs must be a positive number');
    let running: Promise<void> | undefined;
    const timer = setInterval(() => {
      // A slow run (a large directory, a slow Redis) must not overlap the next one.
      if (running) return;
      const run = this.cleanupExpired()
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn({ error: describeError(error) }, 'session cleanup failed'),
        )
        .finally(() => {
          running = undefined;
          this.cleanupRuns.delete(run);
        });
      running = run;
      this.cleanupRuns.add(run);
    }, intervalMs);
    timer.unref();
    this.cleanupTimers.add(timer);
    return () => {
      clearInterval(timer);
      this.cleanupTimers.delete(timer);
    };
  }

  onChange(listener: SessionChangeListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('onChange() takes a function');
    // A wrapper per subscription, so subscribing one function twice gives two independent subscriptions.
    const subscription: SessionChangeListener = (change) => listener(change);
    this.changeListeners.add(subscription);
    return () => {
      this.changeListeners.delete(subscription);
    };
  }

  async close(): Promise<void> {
    for (const timer of this.cleanupTimers) clearInterval(timer);
    this.cleanupTimers.clear();
    // A run in flight finishes before subclasses close their connections, instead of failing half-way.
    await Promise.all(this.cleanupRuns);
  }

  /** Tells `onChange` listeners that the session in (userId, slot) was removed. */
  protected reportDeleted(userId: string, slot: string): void {
    for (const listener of this.changeListeners) {
      try {
        listener({ type: 'deleted', userId, provider: slot });
      } catch (error) {
        this.logger.warn({ error: describeError(error) }, 'a session store onChange listener failed');
      }
    }
  }

  /** Whether the store should still hand out this session (not past its retention). */
  protected isRetained(session: SessionData, nowMs: number = Date.now()): boolean {
    return !this.retention.isOver(session.expiresAt, nowMs);
  }

  private async readOwnSession(userId: string, slot: string): Promise<SessionData | null> {
    const session = await this.readSession(userId, slot);
    return session && belongsTo(session, userId, slot) ? session : null;
  }

  private async readOwnUserSessions(userId: string): Promise<SessionData[]> {
    return (await this.readUserSessions(userId)).filter((session) => session.userId === userId);
  }

  private async onlySession(userId: string): Promise<SessionData | null> {
    const sessions = await this.readOwnUserSessions(userId);
    if (sessions.length > 1) {
      throw new AmbiguousSessionError(userId, sessions.map((session) => providerSlot(session.provider)).sort());
    }
    return sessions[0] ?? null;
  }

  private async onlySlot(userId: string): Promise<string | null> {
    const session = await this.onlySession(userId);
    return session ? providerSlot(session.provider) : null;
  }
}

/** Defence in depth: whatever a store read must be the identity that was asked for. */
function belongsTo(session: SessionData, userId: string, slot: string): boolean {
  return session.userId === userId && providerSlot(session.provider) === slot;
}

/** What `save()` checks before storing anything. */
export function requireSavableSession(session: SessionData): void {
  if (!(session instanceof SessionData)) throw new TypeError('save() takes a SessionData');
  requireUserId(session.userId);
  requireProvider(session.provider);
  if (typeof session.accessToken !== 'string' || session.accessToken === '') {
    throw new TypeError('session.accessToken must be a non-empty string');
  }
}

/** Unpaired UTF-16 surrogates: such a string has no single encoding, so two ids could meet in one key. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function requireUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId === '') throw new TypeError('userId must be a non-empty string');
  if (LONE_SURROGATE.test(userId)) throw new TypeError('userId must be well-formed Unicode');
}

export function requireProvider(provider: unknown): void {
  if (provider === undefined) return;
  if (typeof provider !== 'string') throw new TypeError('provider must be a string');
  if (LONE_SURROGATE.test(provider)) throw new TypeError('provider must be well-formed Unicode');
}

function requireTokenUpdate(update: TokenUpdate): void {
  if (typeof update?.accessToken !== 'string' || update.accessToken === '') {
    throw new TypeError('update.accessToken must be a non-empty string');
  }
  if (update.refreshToken !== undefined && typeof update.refreshToken !== 'string') {
    throw new TypeError('update.refreshToken must be a string');
  }
  if (update.expiresIn !== undefined && (!Number.isFinite(update.expiresIn) || update.expiresIn < 0)) {
    throw new TypeError('update.expiresIn must be a finite number of seconds >= 0');
  }
}
