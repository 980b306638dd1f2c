import { LRUCache } from 'lru-cache';
import { hashToken } from '../auth/token-hash';
import {
  applyTokenUpdate,
  BaseSessionStore,
  providerSlot,
  requireSavableSession,
  type SessionStoreOptions,
} from './base-session-store';
import { deepFreeze } from './deep-freeze';
import { epochSeconds, type SessionData } from './session-data';
import type { TokenUpdate } from './session-store';

export interface MemorySessionStoreOptions extends SessionStoreOptions {
  /** Keep at most this many sessions, evicting the least recently used. Unbounded when omitted. */
  maxSessions?: number;
}

/** The part of Map that LRUCache also has: the store works on either. */
interface SessionTable {
  get(key: string): SessionData | undefined;
  set(key: string, session: SessionData): unknown;
  delete(key: string): boolean;
  clear(): void;
  values(): Iterable<SessionData>;
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
  /** A frozen copy of each session, by identity key (see `identityKey`). */
  private readonly sessions: SessionTable;
  private readonly slotsByUser = new Map<string, Set<string>>();
  /** `hashToken(accessToken)` → identity key of the session saved last with that token. */
  private readonly keyByTokenHash = new Map<string, string>();

  constructor(options: MemorySessionStoreOptions = {}) {
    super(options);
    const { maxSessions } = options;
    if (maxSessions === undefined) {
      this.sessions = new Map<string, SessionData>();
      return;
    }
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
    this.sessions = new LRUCache<string, SessionData>({
      max: maxSessions,
      // Every other removal goes through forget(); only an eviction happens behind our back.
      dispose: (session, key, reason) => {
        if (reason !== 'evict') return;
        this.unindex(key, session);
        this.reportDeleted(session.userId, providerSlot(session.provider));
      },
    });
  }

  async save(session: SessionData): Promise<void> {
    requireSavableSession(session);
    this.put(session);
  }

  async findByAccessToken(token: string): Promise<SessionData | null> {
    if (typeof token !== 'string' || token === '') return null;
    const key = this.keyByTokenHash.get(hashToken(token));
    // Through the table, so that a bounded store counts the lookup as a use.
    const session = key === undefined ? undefined : this.live(key);
    return session?.accessToken === token ? session.clone() : null;
  }

  async listUsers(): Promise<string[]> {
    const users = [...this.slotsByUser].filter(([userId, slots]) => [...slots].some((slot) => this.live(identityKey(userId, slot))));
    return users.map(([userId]) => userId);
  }

  async clearAll(): Promise<number> {
    const now = Date.now();
    const removed = [...this.sessions.values()].filter((session) => !this.retention.isOver(session.expiresAt, now));
    this.sessions.clear();
    this.slotsByUser.clear();
    this.keyByTokenHash.clear();
    for (const session of removed) this.reportDeleted(session.userId, providerSlot(session.provider));
    return removed.length;
  }

  async cleanupExpired(): Promise<number> {
    const now = epochSeconds();
    const expired = [...this.sessions.values()].filter((session) => session.expiresAt !== undefined && now >= session.expiresAt);
    for (const session of expired) {
      const slot = providerSlot(session.provider);
      if (this.forget(identityKey(session.userId, slot))) this.reportDeleted(session.userId, slot);
    }
    return expired.length;
  }

  protected async readSession(userId: string, slot: string): Promise<SessionData | null> {
    return this.live(identityKey(userId, slot))?.clone() ?? null;
  }

  protected async readUserSessions(userId: string): Promise<SessionData[]> {
    const slots = [...(this.slotsByUser.get(userId) ?? [])];
    return slots.flatMap((slot) => this.live(identityKey(userId, slot))?.clone() ?? []);
  }

  protected async removeSession(userId: string, slot: string): Promise<boolean> {
    return this.forget(identityKey(userId, slot));
  }

  protected async replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null> {
    const current = this.live(identityKey(userId, slot));
    if (!current) return null;
    // A new object: put() stores its own copy, so the caller may have this one.
    const updated = applyTokenUpdate(current, update);
    this.put(updated);
    return updated;
  }

  /** Stores a frozen copy of `session`, replacing its identity's previous one. */
  private put(session: SessionData): void {
    const slot = providerSlot(session.provider);
    const key = identityKey(session.userId, slot);
    const replaced = this.forget(key);
    if (this.retention.isOver(session.expiresAt)) {
      // Saving a session already past retention removes the identity's session.
      if (replaced) this.reportDeleted(session.userId, slot);
      return;
    }
    this.sessions.set(key, deepFreeze(session.clone()));
    const slots = this.slotsByUser.get(session.userId) ?? new Set<string>();
    slots.add(slot);
    this.slotsByUser.set(session.userId, slots);
    // The newest session saved with a token is the one found by it (another identity may hold it too).
    this.keyByTokenHash.set(hashToken(session.accessToken), key);
  }

  /** The stored session if it is still retained; a session past retention is dropped. */
  private live(key: string): SessionData | undefined {
    const session = this.sessions.get(key);
    if (!session || !this.retention.isOver(session.expiresAt)) return session;
    this.forget(key);
    return undefined;
  }

  /** Removes a session and its index entries; true when a retained session was removed. */
  private forget(key: string): boolean {
    const session = this.sessions.get(key);
    if (!session) return false;
    this.sessions.delete(key);
    this.unindex(key, session);
    return !this.retention.isOver(session.expiresAt);
  }

  private unindex(key: string, session: SessionData): void {
    const slots = this.slotsByUser.get(session.userId);
    slots?.delete(providerSlot(session.provider));
    if (slots?.size === 0) this.slotsByUser.delete(session.userId);
    // Another identity may have saved the same token since; then the entry is its, and stays.
    const tokenHash = hashToken(session.accessToken);
    if (this.keyByTokenHash.get(tokenHash) === key) this.keyByTokenHash.delete(tokenHash);
  }
}

/** One string per (userId, slot) that no two identities share. */
function identityKey(userId: string, slot: string): string {
  return JSON.stringify([userId, slot]);
}
