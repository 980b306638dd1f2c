import { nodeCrypto } from '../node-crypto';
import type { Cluster, Redis } from 'ioredis';
import { hashToken } from '../auth/token-hash';
import {
  applyTokenUpdate,
  BaseSessionStore,
  providerSlot,
  requireProvider,
  requireSavableSession,
  requireUserId,
  type SessionStoreOptions,
} from './base-session-store';
import {
  type CorruptSessionHandler,
  readOrSetAside,
  reportCorruptSession,
  warnAboutCorruptSession,
} from './corrupt-session-report';
import type { EncryptionKey } from './encryption';
import { SessionStoreError } from './errors';
import {
  createRedisClient,
  DEFAULT_COMMAND_TIMEOUT_MS,
  RedisCallGuard,
  type RedisClient,
  requireCommandTimeout,
} from './redis-connection';
import { RedisSessionKeys } from './redis-keys';
import { DELETE_IF_EQUAL, DELETE_SESSION, RENAME_IF_EQUAL, WRITE_SESSION } from './redis-scripts';
import type { SessionData } from './session-data';
import { type SessionRecord, SessionRecordCodec } from './session-record';
import type { TokenUpdate } from './session-store';

export interface RedisSessionStoreOptions extends SessionStoreOptions {
  /** Where to connect when no `client` is given. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /**
   * A client you created (Cluster, Sentinel, TLS, your own retry policy). The store shares it and
   * never quits it; give it `enableOfflineQueue: false` for fail-fast behaviour during outages.
   */
  client?: RedisClient;
  /** Prefix of every key. Default `'nextmcp:'`. Must not contain `{` or `}`. */
  keyPrefix?: string;
  /** 32 bytes (Buffer, 64 hex characters or base64): sessions are AES-256-GCM encrypted in Redis. */
  encryptionKey?: EncryptionKey;
  /** Bound on each round of calls to Redis; past it a call fails with `SessionStoreUnavailableError`. Default 2000. */
  commandTimeoutMs?: number;
  /** Told about each unreadable session record after it is renamed aside. Default: a warning on the store's `logger`. */
  onCorrupt?: CorruptSessionHandler;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const SCAN_BATCH = 500;
/** updateTokens retries its compare-and-set this often under contention before giving up. */
const MAX_UPDATE_ATTEMPTS = 50;

/**
 * Sessions in Redis, shared by every replica of a server. Each key expires with its session
 * (TTL = expiresAt - now + retainExpiredSeconds); `updateTokens` is an atomic compare-and-set in
 * Lua; listing and cleanup use SCAN, never KEYS. A user's keys share one hash tag, so it also
 * works on Redis Cluster.
 *
 * When Redis is down every call fails closed with `SessionStoreUnavailableError` within
 * `commandTimeoutMs` per round trip (default 2 s), and works again once Redis is back.
 * `lockRefresh` gives one replica at a time the right to refresh a session.
 *
 * @example
 * const store = new RedisSessionStore({
 *   url: process.env.REDIS_URL,
 *   encryptionKey: process.env.NEXTMCP_SESSION_KEY,
 * });
 * await store.save(session);
 * const same = await store.findByAccessToken(session.accessToken);
 * await store.close(); // quits the connection it opened
 */
export class RedisSessionStore extends BaseSessionStore {
  /** The connection, for sharing (e.g. with an OAuth state store). */
  readonly client: RedisClient;
  /** The prefix of every key (`'nextmcp:'` by default). */
  readonly keyPrefix: string;
  private readonly ownsClient: boolean;
  private readonly keys: RedisSessionKeys;
  private readonly codec: SessionRecordCodec;
  private readonly guard: RedisCallGuard;
  private readonly onCorrupt: CorruptSessionHandler;

  constructor(options: RedisSessionStoreOptions = {}) {
    super(options);
    if (options.url !== undefined && options.client !== undefined) throw new TypeError('Pass either url or client, not both');
    const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    requireCommandTimeout(timeoutMs);
    // Everything that can throw runs before a connection is opened.
    this.keyPrefix = options.keyPrefix ?? 'nextmcp:';
    this.keys = new RedisSessionKeys(this.keyPrefix);
    this.codec = new SessionRecordCodec(options.encryptionKey);
    this.onCorrupt = options.onCorrupt ?? warnAboutCorruptSession(this.logger);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createRedisClient(options.url ?? DEFAULT_URL, timeoutMs);
    this.guard = new RedisCallGuard(this.client, timeoutMs);
  }

  /** Creates or replaces the session of (session.provider, session.userId). */
  async save(session: SessionData): Promise<void> {
    requireSavableSession(session);
    const slot = providerSlot(session.provider);
    const ttlMs = this.retention.remainingMs(session.expiresAt);
    if (ttlMs !== undefined && ttlMs <= 0) {
      if (await this.removeSession(session.userId, slot)) this.reportDeleted(session.userId, slot);
      return;
    }
    await this.guard.run(() => this.writeRecord(session, { mode: 'set', expected: '', ttlMs }));
  }

  /** The session whose current access token is `token`, through the token-hash index. */
  async findByAccessToken(token: string): Promise<SessionData | null> {
    if (typeof token !== 'string' || token === '') return null;
    const tokenHash = hashToken(token);
    return this.guard.run(async () => {
      const pointer = parsePointer(await this.client.get(this.keys.token(tokenHash)));
      if (!pointer) return null;
      const session = await this.readKey(this.keys.session(pointer.userId, pointer.provider));
      if (!session || session.userId !== pointer.userId || providerSlot(session.provider) !== pointer.provider) return null;
      // A stale entry (the session's token changed since) must not find anything.
      return hashToken(session.accessToken) === tokenHash ? session : null;
    });
  }

  /** Distinct user ids with at least one session. */
  async listUsers(): Promise<string[]> {
    const users = new Set<string>();
    await this.forEachKey(this.keys.userIndexPattern, async (indexKey) => {
      const userId = this.keys.parseUserIndex(indexKey);
      if (userId === null) return;
      const slots = await this.client.smembers(indexKey);
      const sessionKeys = slots.map((slot) => this.keys.session(userId, slot));
      // Same hash tag, so this multi-key EXISTS is fine on Cluster too.
      if (sessionKeys.length > 0 && (await this.client.exists(...sessionKeys)) > 0) users.add(userId);
    });
    return [...users];
  }

  /** Removes every session and index key under the prefix (other keys sharing the prefix stay). */
  async clearAll(): Promise<number> {
    const sessions = new Map<string, { userId: string; slot: string }>();
    const remove = async (key: string): Promise<void> => {
      const parts = this.keys.parseSession(key);
      if ((await this.client.unlink(key)) > 0 && parts) sessions.set(key, parts);
    };
    await this.forEachKey(this.keys.userKeysPattern, remove);
    await this.forEachKey(this.keys.tokenPattern, remove);
    for (const { userId, slot } of sessions.values()) this.reportDeleted(userId, slot);
    return sessions.size;
  }

  /** Removes sessions whose `expiresAt` has passed; resolves to how many. */
  async cleanupExpired(): Promise<number> {
    const nowMs = Date.now();
    let removed = 0;
    await this.forEachKey(this.keys.sessionPattern, async (key) => {
      const parts = this.keys.parseSession(key);
      if (parts && (await this.removeIfExpired(key, nowMs))) {
        removed += 1;
        this.reportDeleted(parts.userId, parts.slot);
      }
    });
    return removed;
  }

  /**
   * A refresh lock shared by every replica: `SET key holder NX PX ttlMs` with a random holder id,
   * released by a compare-and-delete script, so only the holder's release frees it.
   * @throws SessionStoreUnavailableError when Redis does not answer within `commandTimeoutMs`.
   */
  async lockRefresh(userId: string, provider: string | undefined, ttlMs: number): Promise<(() => Promise<void>) | null> {
    requireUserId(userId);
    requireProvider(provider);
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive integer');
    const key = this.keys.refreshLock(userId, providerSlot(provider));
    const holder = nodeCrypto().randomUUID();
    const taken = await this.guard.run(() => this.client.set(key, holder, 'PX', ttlMs, 'NX'));
    if (taken !== 'OK') return null;
    let released: Promise<void> | undefined;
    return () => {
      released ??= this.guard.run(() => this.evalString(DELETE_IF_EQUAL, [key], [holder])).then(
        () => undefined,
        () => undefined, // Redis unreachable: the lock expires by itself
      );
      return released;
    };
  }

  /** Stops cleanup timers and quits the connection the store opened (never a `client` it was given). */
  override async close(): Promise<void> {
    await super.close();
    if (!this.ownsClient) return;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  protected async readSession(userId: string, slot: string): Promise<SessionData | null> {
    return this.guard.run(() => this.readKey(this.keys.session(userId, slot)));
  }

  protected async readUserSessions(userId: string): Promise<SessionData[]> {
    return this.guard.run(async () => {
      const slots = await this.client.smembers(this.keys.userIndex(userId));
      const sessions = await Promise.all(slots.map((slot) => this.readKey(this.keys.session(userId, slot))));
      return sessions.filter((session): session is SessionData => session !== null);
    });
  }

  protected async removeSession(userId: string, slot: string): Promise<boolean> {
    return this.guard.run(async () => {
      const sessionKey = this.keys.session(userId, slot);
      const removed = await this.evalString(DELETE_SESSION, [sessionKey, this.keys.userIndex(userId)], ['', slot]);
      if (removed === '') return false;
      await this.removeTokenEntry(removed, userId, slot);
      return true;
    });
  }

  protected async replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null> {
    return this.guard.run(async () => {
      const sessionKey = this.keys.session(userId, slot);
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt += 1) {
        const expected = await this.client.get(sessionKey);
        if (expected === null) return null;
        const current = await this.openRecord(sessionKey, expected);
        if (!current) return null;
        const updated = applyTokenUpdate(current, update);
        const remaining = this.retention.remainingMs(updated.expiresAt);
        const ttlMs = remaining === undefined ? undefined : Math.max(remaining, 1);
        if (await this.writeRecord(updated, { mode: 'replace', expected, ttlMs })) return updated;
      }
      throw new SessionStoreError('updateTokens gave up: the session kept changing under concurrent writes');
    });
  }

  /**
   * Writes the record and the user index in one script, then points the new token's index key at
   * it and drops the old token's key if it still points here. False when a `replace` lost the race.
   */
  private async writeRecord(
    session: SessionData,
    write: { mode: 'set' | 'replace'; expected: string; ttlMs: number | undefined },
  ): Promise<boolean> {
    const slot = providerSlot(session.provider);
    const ttl = write.ttlMs === undefined ? '' : String(write.ttlMs);
    const keys = [this.keys.session(session.userId, slot), this.keys.userIndex(session.userId)];
    const reply = (await this.client.eval(WRITE_SESSION, keys.length, ...keys, write.mode, write.expected, this.codec.encode(session), ttl, slot)) as [
      number,
      string,
    ];
    if (Number(reply[0]) !== 1) return false;
    const tokenKey = this.keys.token(hashToken(session.accessToken));
    const pointer = pointerText(session.userId, slot);
    if (write.ttlMs === undefined) await this.client.set(tokenKey, pointer);
    else await this.client.set(tokenKey, pointer, 'PX', write.ttlMs);
    if (reply[1] !== '' && this.tokenHashOf(reply[1]) !== hashToken(session.accessToken)) {
      await this.removeTokenEntry(reply[1], session.userId, slot);
    }
    return true;
  }

  /** Deletes the index key of the token in `record`, only while it still points at (userId, slot). */
  private async removeTokenEntry(record: string, userId: string, slot: string): Promise<void> {
    const tokenHash = this.tokenHashOf(record);
    if (tokenHash !== undefined) await this.evalString(DELETE_IF_EQUAL, [this.keys.token(tokenHash)], [pointerText(userId, slot)]);
  }

  private async removeIfExpired(key: string, nowMs: number): Promise<boolean> {
    const parts = this.keys.parseSession(key);
    const text = parts && (await this.client.get(key));
    if (!parts || !text) return false;
    const record = await this.parseRecord(key, text);
    if (record?.expiresAt === undefined || record.expiresAt * 1000 > nowMs) return false;
    // Only if unchanged since read: a session refreshed meanwhile is not expired any more.
    const removed = await this.evalString(DELETE_SESSION, [key, this.keys.userIndex(parts.userId)], [text, parts.slot]);
    if (removed === '') return false;
    await this.removeTokenEntry(removed, parts.userId, parts.slot);
    return true;
  }

  private async readKey(key: string): Promise<SessionData | null> {
    const text = await this.client.get(key);
    const session = text === null ? null : await this.openRecord(key, text);
    return session && this.isRetained(session) ? session : null;
  }

  /** The session in a record; null (reported and quarantined) when corrupt. */
  private async openRecord(key: string, text: string): Promise<SessionData | null> {
    const record = await this.parseRecord(key, text);
    return record && readOrSetAside(() => this.codec.open(record), (reason) => this.quarantine(key, text, reason));
  }

  private parseRecord(key: string, text: string): Promise<SessionRecord | null> {
    return readOrSetAside(() => this.codec.parse(text), (reason) => this.quarantine(key, text, reason));
  }

  private tokenHashOf(record: string): string | undefined {
    try {
      return this.codec.parse(record).accessTokenHash;
    } catch {
      return undefined;
    }
  }

  /** Renames an unreadable record aside (only while it is still that record) and reports it. */
  private async quarantine(key: string, text: string, reason: string): Promise<void> {
    const quarantinedAs = this.keys.quarantine(key);
    if ((await this.evalString(RENAME_IF_EQUAL, [key, quarantinedAs], [text])) === '1') {
      reportCorruptSession(this.onCorrupt, { location: key, reason, quarantinedAs }, this.logger);
    }
  }

  /** Visits every key matching `pattern` with SCAN (on each master of a Cluster), one guarded batch at a time. */
  private async forEachKey(pattern: string, visit: (key: string) => Promise<void>): Promise<void> {
    const nodes: Redis[] = this.client.isCluster ? (this.client as Cluster).nodes('master') : [this.client as Redis];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await this.guard.run(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH));
        cursor = next;
        // SCAN may repeat a key; every visit is idempotent.
        await this.guard.run(() => Promise.all(keys.map(visit)));
      } while (cursor !== '0');
    }
  }

  private async evalString(script: string, keys: string[], args: string[]): Promise<string> {
    const reply = await this.client.eval(script, keys.length, ...keys, ...args);
    return reply === null || reply === undefined ? '' : String(reply);
  }
}

/** The token index value: which session the token belongs to. */
function pointerText(userId: string, slot: string): string {
  return JSON.stringify({ userId, provider: slot });
}

function parsePointer(text: string | null): { userId: string; provider: string } | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as { userId?: unknown; provider?: unknown } | null;
    return typeof value?.userId === 'string' && value.userId !== '' && typeof value.provider === 'string'
      ? { userId: value.userId, provider: value.provider }
      : null;
  } catch {
    return null;
  }
}
