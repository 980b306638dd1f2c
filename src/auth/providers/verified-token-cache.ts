import type { LRUCache } from 'lru-cache';
import { createLruCache } from '../../lru-cache';
import { hashToken } from '../token-hash';

interface Entry<T> {
  value: T;
  /** Epoch seconds after which the entry must not be served. */
  validUntil: number;
}

/**
 * Results of verifying tokens, keyed by a hash of the token (never the token), bounded in size,
 * and never served at or after the deadline given for each entry (the token's `exp`). The LRU's
 * own TTL evicts entries; the deadline is checked again on every hit against the wall clock,
 * which is what `exp` is measured in.
 *
 * @example
 * const cache = new VerifiedTokenCache<AuthContextInit>(1000);
 * cache.set(token, init, payload.exp);
 * const hit = cache.get(token); // undefined once `exp` has passed
 */
export class VerifiedTokenCache<T extends object> {
  private readonly entries: LRUCache<string, Entry<T>>;

  /** @param maxEntries how many verified tokens to keep (at least 1). */
  constructor(maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('VerifiedTokenCache size must be a positive integer');
    }
    this.entries = createLruCache({ max: maxEntries });
  }

  get(token: string): T | undefined {
    const key = hashToken(token);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.validUntil <= nowSeconds()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` until `validUntil` (epoch seconds); a deadline already past stores nothing. */
  set(token: string, value: T, validUntil: number): void {
    const ttlMs = Math.floor((validUntil - nowSeconds()) * 1000);
    if (!(ttlMs > 0)) return;
    this.entries.set(hashToken(token), { value, validUntil }, { ttl: ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

function nowSeconds(): number {
  return Date.now() / 1000;
}
