import { inspect } from 'node:util';
import type { LRUCache } from 'lru-cache';
import { createLruCache } from '../lru-cache';
import { hashToken } from '../auth/token-hash';
import {
  applyTokenUpdate,
  BaseSessionStore,
  providerSlot,
  requireSavableSession,
  type SessionStoreOptions,
} from './base-session-store';
import { deepFreeze } from './deep-freeze';
import { decodeSession, encodedHasToken, encodeSession } from './session-codec';
import { epochSeconds, type SessionData } from './session-data';
import type { TokenUpdate } from './session-store';
import { TokenTagTable } from './token-tag-table';

export interface MemorySessionStoreOptions extends SessionStoreOptions {
  /** Keep at most this many sessions, evicting the least recently used. Unbounded when omitted. */
  maxSessions?: number;
}

/**
 * How a session is kept: one encoded string (`session-codec`), so that a lookup in a large store
 * touches few objects, or a frozen copy when it holds data the codec does not take.
 */
type StoredForm = string | SessionData;

/** The part of Map that LRUCache also has: the store works on either. */
interface SessionTable {
  get(key: string): StoredForm | undefined;
  set(key: string, form: StoredForm): unknown;
  delete(key: string): boolean;
  clear(): void;
  values(): Iterable<StoredForm>;
}

/**
 * Sessions in this process's memory: fast, lost on restart, not shared between replicas. Stored
 * and returned sessions are copies, so editing a loaded session changes nothing until `save()`.
 *
 * Each session is kept once, by identity, and found by token through a table keyed by 30 bits of
 * the token's SHA-256 (`TokenTagTable`) holding the same stored forms. Why not a `Map` of frozen `SessionData` by token hash: among 100 000 sessions, copying a
 * dozen scattered objects per lookup made it 2–3× slower than among 1 000 (BENCHMARKS.md).
 *
 * @example
 * const store = new MemorySessionStore({ maxSessions: 10_000 });
 * await store.save(new SessionData({ userId: '123', provider: 'github', accessToken }));
 * await store.findByAccessToken(accessToken); // the session, via the token-hash index
 */
export class MemorySessionStore extends BaseSessionStore {
  /** Each session's stored form, by identity key (see `identityKey`). */
  private readonly sessions: SessionTable;
  private readonly slotsByUser = new Map<string, Set<string>>();
  /** Only a bounded store tracks recency, so only it counts a lookup by token as a use. */
  private readonly bounded: boolean;
  /** Each stored form by its access token's tag (see `tokenTag`). */
  private readonly byTokenTag = new TokenTagTable<StoredForm>(hasToken);

  constructor(options: MemorySessionStoreOptions = {}) {
    super(options);
    const { maxSessions } = options;
    this.bounded = maxSessions !== undefined;
    if (maxSessions === undefined) {
      this.sessions = new Map<string, StoredForm>();
      return;
    }
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
    this.sessions = createLruCache<string, StoredForm>({
      max: maxSessions,
      // Every other removal goes through forget(); only an eviction happens behind our back.
      dispose: (form, _key, reason) => {
        if (reason !== 'evict') return;
        const session = read(form);
        this.unindex(form, session);
        this.reportDeleted(session.userId, providerSlot(session.provider));
      },
    });
  }

  /** Creates or replaces the session for (session.provider, session.userId). */
  async save(session: SessionData): Promise<void> {
    requireSavableSession(session);
    this.put(session);
  }

  /** The session whose current access token is `token` (a copy), found by the token's hash. */
  async findByAccessToken(token: string): Promise<SessionData | null> {
    if (typeof token !== 'string' || token === '') return null;
    const form = this.byTokenTag.find(tokenTag(token), token);
    if (form === undefined) return null;
    const session = read(form);
    const key = () => identityKey(session.userId, providerSlot(session.provider));
    // Through the table, so that a bounded store counts the lookup as a use.
    if (this.bounded) this.sessions.get(key());
    if (this.isRetained(session)) return session;
    this.forget(key());
    return null;
  }

  /** Distinct user ids that have at least one session. */
  async listUsers(): Promise<string[]> {
    const users = [...this.slotsByUser].filter(([userId, slots]) => [...slots].some((slot) => this.live(identityKey(userId, slot))));
    return users.map(([userId]) => userId);
  }

  /** Removes every session; resolves to how many were removed. */
  async clearAll(): Promise<number> {
    const now = Date.now();
    const removed = [...this.sessions.values()].map(read).filter((session) => !this.retention.isOver(session.expiresAt, now));
    this.sessions.clear();
    this.slotsByUser.clear();
    this.byTokenTag.clear();
    for (const session of removed) this.reportDeleted(session.userId, providerSlot(session.provider));
    return removed.length;
  }

  /** Removes sessions whose `expiresAt` has passed; resolves to how many. */
  async cleanupExpired(): Promise<number> {
    const now = epochSeconds();
    const expired = [...this.sessions.values()].map(read).filter((session) => session.expiresAt !== undefined && now >= session.expiresAt);
    for (const session of expired) {
      const slot = providerSlot(session.provider);
      if (this.forget(identityKey(session.userId, slot))) this.reportDeleted(session.userId, slot);
    }
    return expired.length;
  }

  protected async readSession(userId: string, slot: string): Promise<SessionData | null> {
    return this.live(identityKey(userId, slot)) ?? null;
  }

  protected async readUserSessions(userId: string): Promise<SessionData[]> {
    const slots = [...(this.slotsByUser.get(userId) ?? [])];
    return slots.flatMap((slot) => this.live(identityKey(userId, slot)) ?? []);
  }

  protected async removeSession(userId: string, slot: string): Promise<boolean> {
    return this.forget(identityKey(userId, slot));
  }

  protected async replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null> {
    const current = this.live(identityKey(userId, slot));
    if (!current) return null;
    // A new object: put() stores its own form, so the caller may have this one.
    const updated = applyTokenUpdate(current, update);
    this.put(updated);
    return updated;
  }

  /** Stores `session`'s form, replacing its identity's previous one. */
  private put(session: SessionData): void {
    const slot = providerSlot(session.provider);
    const key = identityKey(session.userId, slot);
    const replaced = this.forget(key);
    if (this.retention.isOver(session.expiresAt)) {
      // Saving a session already past retention removes the identity's session.
      if (replaced) this.reportDeleted(session.userId, slot);
      return;
    }
    const form = encodeSession(session) ?? deepFreeze(session.clone());
    this.sessions.set(key, form);
    const slots = this.slotsByUser.get(session.userId) ?? new Set<string>();
    slots.add(slot);
    this.slotsByUser.set(session.userId, slots);
    // The newest session saved with a token is the one found by it (another identity may hold it too).
    const tag = tokenTag(session.accessToken);
    const older = this.byTokenTag.find(tag, session.accessToken);
    if (older !== undefined) this.byTokenTag.delete(tag, older);
    this.byTokenTag.add(tag, form);
  }

  /** A copy of the stored session if it is still retained; a session past retention is dropped. */
  private live(key: string): SessionData | undefined {
    const form = this.sessions.get(key);
    if (form === undefined) return undefined;
    const session = read(form);
    if (!this.retention.isOver(session.expiresAt)) return session;
    this.forget(key);
    return undefined;
  }

  /** Removes a session and its index entries; true when a retained session was removed. */
  private forget(key: string): boolean {
    const form = this.sessions.get(key);
    if (form === undefined) return false;
    this.sessions.delete(key);
    const session = read(form);
    this.unindex(form, session);
    return !this.retention.isOver(session.expiresAt);
  }

  private unindex(form: StoredForm, session: SessionData): void {
    const slots = this.slotsByUser.get(session.userId);
    slots?.delete(providerSlot(session.provider));
    if (slots?.size === 0) this.slotsByUser.delete(session.userId);
    // Another identity may have saved the same token since; then the entry is its, and stays.
    this.byTokenTag.delete(tokenTag(session.accessToken), form);
  }

  /** Console output: who has sessions, never the stored forms (they hold tokens). */
  [inspect.custom](depth: number, options: object): string {
    const sessions = [...this.slotsByUser].flatMap(([userId, slots]) => [...slots].map((provider) => ({ userId, provider })));
    return `MemorySessionStore ${inspect({ sessions }, { ...options, depth })}`;
  }
}

/** A fresh copy of a stored session, for the caller to keep or change. */
function read(form: StoredForm): SessionData {
  return typeof form === 'string' ? decodeSession(form) : form.clone();
}

function hasToken(form: StoredForm, token: string): boolean {
  return typeof form === 'string' ? encodedHasToken(form, token) : form.accessToken === token;
}

/** 30 bits of the token's SHA-256 (its first five base64url digits): a small integer, so the map reads no key string. */
function tokenTag(token: string): number {
  const hash = hashToken(token);
  let tag = 0;
  for (let i = 0; i < 5; i++) tag = tag * 64 + BASE64URL.indexOf(hash[i]);
  return tag;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** One string per (userId, slot) that no two identities share. */
function identityKey(userId: string, slot: string): string {
  return JSON.stringify([userId, slot]);
}
