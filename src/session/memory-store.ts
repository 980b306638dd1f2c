import { LRUCache } from 'lru-cache';
import { hashToken } from '../auth/token-hash';
import {
  applyTokenUpdate,
  BaseSessionStore,
  providerSlot,
  requireSavableSession,
  type SessionStoreOptions,
} from './base-session-store';
import type { SessionData } from './session-data';
import type { TokenUpdate } from './session-store';
import { deepFreeze } from './deep-freeze';
import { PEEK_BY_ACCESS_TOKEN, type PeekableSessionStore } from './session-peek';

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
export class MemorySessionStore extends BaseSessionStore implements PeekableSessionStore {
  private readonly sessions: SessionTable;
  private readonly slotsByUser = new Map<string, Set<string>>();
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
      dispose: (session, _key, reason) => {
        if (reason === 'evict') this.unindex(session);
      },
    });
  }

  async save(session: SessionData): Promise<void> {
    requireSavableSession(session);
    this.put(session.clone());
  }

  async findByAccessToken(token: string): Promise<SessionData | null> {
    return this[PEEK_BY_ACCESS_TOKEN](token)?.clone() ?? null;
  }

  /** The stored (frozen, shared) session whose access token is `token`; see `PeekableSessionStore`. */
  [PEEK_BY_ACCESS_TOKEN](token: string): SessionData | undefined {
    if (typeof token !== 'string' || token === '') return undefined;
    const key = this.keyByTokenHash.get(hashToken(token));
    const session = key === undefined ? undefined : this.live(key);
    // The index entry may be left from an earlier token of that session: compare the token itself.
    return session && session.accessToken === token ? session : undefined;
  }

  async listUsers(): Promise<string[]> {
    const users = [...this.slotsByUser].filter(([userId, slots]) => [...slots].some((slot) => this.live(entryKey(userId, slot))));
    return users.map(([userId]) => userId);
  }

  async clearAll(): Promise<number> {
    const removed = [...this.sessions.values()].filter((session) => this.isRetained(session)).length;
    this.sessions.clear();
    this.slotsByUser.clear();
    this.keyByTokenHash.clear();
    return removed;
  }

  async cleanupExpired(): Promise<number> {
    const expired = [...this.sessions.values()].filter((session) => session.isExpired());
    for (const session of expired) this.forget(session.userId, providerSlot(session.provider));
    return expired.length;
  }

  protected async readSession(userId: string, slot: string): Promise<SessionData | null> {
    return this.live(entryKey(userId, slot))?.clone() ?? null;
  }

  protected async readUserSessions(userId: string): Promise<SessionData[]> {
    const slots = [...(this.slotsByUser.get(userId) ?? [])];
    return slots.flatMap((slot) => this.live(entryKey(userId, slot))?.clone() ?? []);
  }

  protected async removeSession(userId: string, slot: string): Promise<boolean> {
    return this.forget(userId, slot);
  }

  protected async replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null> {
    const current = this.live(entryKey(userId, slot));
    if (!current) return null;
    const updated = applyTokenUpdate(current, update);
    this.put(updated);
    return updated.clone();
  }

  /** Stores a session this store owns (already copied), replacing the identity's previous one. */
  private put(session: SessionData): void {
    // Stored copies never change (a change stores a new object), which PEEK_BY_ACCESS_TOKEN relies on.
    deepFreeze(session);
    const slot = providerSlot(session.provider);
    this.forget(session.userId, slot);
    if (!this.isRetained(session)) return;
    const key = entryKey(session.userId, slot);
    this.sessions.set(key, session);
    this.index(session, key);
  }

  /** The stored session (not a copy) if it is still retained; a session past retention is dropped. */
  private live(key: string): SessionData | undefined {
    const session = this.sessions.get(key);
    if (session && !this.isRetained(session)) {
      this.forget(session.userId, providerSlot(session.provider));
      return undefined;
    }
    return session;
  }

  /** Removes a session and its index entries; true when a retained session was removed. */
  private forget(userId: string, slot: string): boolean {
    const key = entryKey(userId, slot);
    const session = this.sessions.get(key);
    if (!session) return false;
    this.sessions.delete(key);
    this.unindex(session);
    return this.isRetained(session);
  }

  private index(session: SessionData, key: string): void {
    const slots = this.slotsByUser.get(session.userId) ?? new Set<string>();
    slots.add(providerSlot(session.provider));
    this.slotsByUser.set(session.userId, slots);
    this.keyByTokenHash.set(hashToken(session.accessToken), key);
  }

  private unindex(session: SessionData): void {
    const slot = providerSlot(session.provider);
    const slots = this.slotsByUser.get(session.userId);
    slots?.delete(slot);
    if (slots?.size === 0) this.slotsByUser.delete(session.userId);
    const tokenHash = hashToken(session.accessToken);
    // Another identity may have saved the same token since; only our own entry goes.
    if (this.keyByTokenHash.get(tokenHash) === entryKey(session.userId, slot)) this.keyByTokenHash.delete(tokenHash);
  }
}

/** One string per (userId, slot) that no two identities share. */
function entryKey(userId: string, slot: string): string {
  return JSON.stringify([userId, slot]);
}
