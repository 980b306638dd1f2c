import { LRUCache } from 'lru-cache';
import { hashToken } from '../auth/token-hash';
import {
  applyTokenUpdate,
  BaseSessionStore,
  providerSlot,
  requireSavableSession,
  type SessionStoreOptions,
} from './base-session-store';
import { epochSeconds, type SessionData } from './session-data';
import type { TokenUpdate } from './session-store';
import { readStoredForm, StoredSession, storedFormHasToken, type StoredForm } from './stored-session';
import { TokenIndex, tokenTag } from './token-index';

export interface MemorySessionStoreOptions extends SessionStoreOptions {
  /** Keep at most this many sessions, evicting the least recently used. Unbounded when omitted. */
  maxSessions?: number;
}

/** The part of Map that LRUCache also has: the store works on either. */
interface SessionTable {
  get(key: string): StoredSession | undefined;
  set(key: string, stored: StoredSession): unknown;
  delete(key: string): boolean;
  clear(): void;
  values(): Iterable<StoredSession>;
}

/**
 * Sessions in this process's memory: fast, lost on restart, not shared between replicas. Stored
 * and returned sessions are copies, so editing a loaded session changes nothing until `save()`.
 *
 * @example
 * const store = new MemorySessionStore({ maxSessions: 10_000 });
 * await store.save(new SessionData({ userId: '123', provider: 'github', accessToken }));
 * await store.findByAccessToken(accessToken); // the session, via the token-hash index
 */
export class MemorySessionStore extends BaseSessionStore {
  private readonly sessions: SessionTable;
  /** Only a bounded store tracks recency, so only it looks its table up on a find by token. */
  private readonly bounded: boolean;
  private readonly slotsByUser = new Map<string, Set<string>>();
  private readonly byToken = new TokenIndex<StoredForm, StoredSession>(storedFormHasToken);
  /** Changes with every change to what the store holds (see `LENDING_REVISION`). */
  private revision = 0;

  constructor(options: MemorySessionStoreOptions = {}) {
    super(options);
    const { maxSessions } = options;
    this.bounded = maxSessions !== undefined;
    if (maxSessions === undefined) {
      this.sessions = new Map<string, StoredSession>();
      return;
    }
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
    this.sessions = new LRUCache<string, StoredSession>({
      max: maxSessions,
      // Every other removal goes through forget(); only an eviction happens behind our back.
      dispose: (stored, _key, reason) => {
        if (reason !== 'evict') return;
        this.unindex(stored);
        this.reportDeleted(stored.userId, stored.slot);
      },
    });
  }

  /** Creates or replaces the session of (session.provider, session.userId). */
  async save(session: SessionData): Promise<void> {
    requireSavableSession(session);
    this.put(session);
  }

  /** The session whose current access token is `token`, through the token-hash index. */
  async findByAccessToken(token: string): Promise<SessionData | null> {
    const tag = tagOf(token);
    if (tag === undefined) return null;
    // A bounded store counts a lookup as a use: through the entry, which updates its recency.
    if (this.bounded) return this.entryByToken(tag, token)?.read() ?? null;
    // The stored form straight from the index: the fewest objects a lookup can touch.
    const form = this.byToken.findForm(tag, token);
    if (form === undefined) return null;
    const session = readStoredForm(form);
    if (this.isRetained(session)) return session;
    this.entryByToken(tag, token); // drops the session past retention
    return null;
  }

  /** Distinct user ids with at least one session. */
  async listUsers(): Promise<string[]> {
    const users = [...this.slotsByUser].filter(([userId, slots]) => [...slots].some((slot) => this.live(entryKey(userId, slot))));
    return users.map(([userId]) => userId);
  }

  /** Removes every session; resolves to how many were removed. */
  async clearAll(): Promise<number> {
    const now = Date.now();
    const removed = [...this.sessions.values()].filter((stored) => !this.retention.isOver(stored.expiresAt, now));
    this.sessions.clear();
    this.slotsByUser.clear();
    this.byToken.clear();
    this.revision += 1;
    for (const stored of removed) this.reportDeleted(stored.userId, stored.slot);
    return removed.length;
  }

  /** Removes sessions whose `expiresAt` has passed; resolves to how many. */
  async cleanupExpired(): Promise<number> {
    const now = epochSeconds();
    const expired = [...this.sessions.values()].filter((stored) => stored.expiresAt !== undefined && now >= stored.expiresAt);
    for (const stored of expired) {
      if (this.forget(stored.userId, stored.slot)) this.reportDeleted(stored.userId, stored.slot);
    }
    return expired.length;
  }

  protected async readSession(userId: string, slot: string): Promise<SessionData | null> {
    return this.live(entryKey(userId, slot))?.read() ?? null;
  }

  protected async readUserSessions(userId: string): Promise<SessionData[]> {
    const slots = [...(this.slotsByUser.get(userId) ?? [])];
    return slots.flatMap((slot) => this.live(entryKey(userId, slot))?.read() ?? []);
  }

  protected async removeSession(userId: string, slot: string): Promise<boolean> {
    return this.forget(userId, slot);
  }

  protected async replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null> {
    const current = this.live(entryKey(userId, slot));
    if (!current) return null;
    const updated = applyTokenUpdate(current.read(), update);
    // put() keeps a copy, so the caller may have this one.
    this.put(updated);
    return updated;
  }

  /** The retained entry whose access token is `token` (`tag` is its `tagOf`), via the token-hash index. */
  private entryByToken(tag: number, token: string): StoredSession | undefined {
    const stored = this.byToken.find(tag, token);
    if (!stored || !this.stillRetained(stored)) return undefined;
    // A lookup by token counts as a use for the LRU bound, as it does through load().
    if (this.bounded) this.sessions.get(stored.key);
    return stored;
  }

  /** Stores a copy of `session`, replacing its identity's previous one. */
  private put(session: SessionData): void {
    const slot = providerSlot(session.provider);
    const stored = StoredSession.of(session, slot, entryKey(session.userId, slot), tokenTag(hashToken(session.accessToken)));
    this.revision += 1;
    const replaced = this.forget(stored.userId, slot);
    if (this.retention.isOver(stored.expiresAt)) {
      // Saving a session already past retention removes the identity's session.
      if (replaced) this.reportDeleted(stored.userId, slot);
      return;
    }
    // The newest session saved with a token is the one found by it (another identity may hold it too).
    const previous = this.byToken.find(stored.tokenTag, session.accessToken);
    if (previous) this.byToken.delete(previous);
    this.sessions.set(stored.key, stored);
    const slots = this.slotsByUser.get(stored.userId) ?? new Set<string>();
    slots.add(slot);
    this.slotsByUser.set(stored.userId, slots);
    this.byToken.add(stored);
  }

  /** The stored session if it is still retained; a session past retention is dropped. */
  private live(key: string): StoredSession | undefined {
    const stored = this.sessions.get(key);
    return stored && this.stillRetained(stored) ? stored : undefined;
  }

  private stillRetained(stored: StoredSession): boolean {
    if (!this.retention.isOver(stored.expiresAt)) return true;
    this.forget(stored.userId, stored.slot);
    return false;
  }

  /** Removes a session and its index entries; true when a retained session was removed. */
  private forget(userId: string, slot: string): boolean {
    const key = entryKey(userId, slot);
    const stored = this.sessions.get(key);
    if (!stored) return false;
    this.sessions.delete(key);
    this.unindex(stored);
    return !this.retention.isOver(stored.expiresAt);
  }

  private unindex(stored: StoredSession): void {
    this.revision += 1;
    const slots = this.slotsByUser.get(stored.userId);
    slots?.delete(stored.slot);
    if (slots?.size === 0) this.slotsByUser.delete(stored.userId);
    // Another identity may have saved the same token since; then the entry is its, and stays.
    this.byToken.delete(stored);
  }
}

/** The token's index tag: 30 bits of its SHA-256 (`hashToken`); undefined for what is no token. */
function tagOf(token: unknown, tokenHash?: string): number | undefined {
  return typeof token === 'string' && token !== '' ? tokenTag(tokenHash ?? hashToken(token)) : undefined;
}

/** One string per (userId, slot) that no two identities share. */
function entryKey(userId: string, slot: string): string {
  return JSON.stringify([userId, slot]);
}
