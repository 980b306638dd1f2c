import type { LRUCache } from 'lru-cache';
import { createLruCache } from '../../lru-cache';
import { storeTtlSeconds, type AuthorizationStore, type AuthorizationStoreSetOptions } from './authorization-store';

/** Options of `new MemoryAuthorizationStore()`. */
export interface MemoryAuthorizationStoreOptions {
  /**
   * Most records kept at once (default 100 000). The least recently used go first when full, so a
   * flood of abandoned authorizations cannot grow memory without bound (an evicted grant is revoked).
   */
  maxEntries?: number;
}

/**
 * The default `AuthorizationStore`: in this process only, for a single server. Each record expires
 * on its own TTL. Several replicas need a shared store (`RedisAuthorizationStore`).
 *
 * @example
 * mcp.enableAuthorizationServer({ upstream: github, store: new MemoryAuthorizationStore({ maxEntries: 50_000 }) });
 */
export class MemoryAuthorizationStore implements AuthorizationStore {
  private readonly records: LRUCache<string, string>;

  constructor(options: MemoryAuthorizationStoreOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    // A default TTL turns on per-entry expiry; every set passes its own.
    this.records = createLruCache({ max, ttl: 60_000 });
  }

  async set(key: string, value: string, ttlSeconds: number, options: AuthorizationStoreSetOptions = {}): Promise<boolean> {
    const ttl = storeTtlSeconds(ttlSeconds) * 1000;
    if (options.onlyIfAbsent && this.records.has(key)) return false;
    this.records.set(key, value, { ttl });
    return true;
  }

  async get(key: string): Promise<string | null> {
    return this.records.get(key) ?? null;
  }

  async take(key: string): Promise<string | null> {
    const value = this.records.get(key);
    if (value === undefined) return null;
    this.records.delete(key);
    return value;
  }

  async delete(key: string): Promise<boolean> {
    return this.records.delete(key);
  }

  async close(): Promise<void> {
    this.records.clear();
  }
}
