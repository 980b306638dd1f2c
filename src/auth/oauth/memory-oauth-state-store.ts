import type { LRUCache } from 'lru-cache';
import { createLruCache } from '../../lru-cache';
import { hashToken } from '../token-hash';
import { StateCollisionError, type OAuthStateStore, type PendingAuthorization } from './oauth-state-store';

/** Options of `new MemoryOAuthStateStore()`. */
export interface MemoryOAuthStateStoreOptions {
  /**
   * Most pending authorizations kept at once (default 10 000). The least recently created are
   * dropped first, so a flood of abandoned logins cannot grow memory without bound.
   */
  maxEntries?: number;
}

/**
 * The default state store: in-process, for a single server. With several replicas behind a load
 * balancer the callback may reach another process; use `RedisOAuthStateStore` there.
 *
 * @example
 * const github = new GitHubOAuthProvider({ clientId, clientSecret, stateStore: new MemoryOAuthStateStore() });
 */
export class MemoryOAuthStateStore implements OAuthStateStore {
  private readonly pending: LRUCache<string, PendingAuthorization>;

  constructor(options: MemoryOAuthStateStoreOptions = {}) {
    // A default TTL turns on per-entry expiry; every save passes its own.
    this.pending = createLruCache({ max: options.maxEntries ?? 10_000, ttl: 600_000 });
  }

  async save(state: string, authorization: PendingAuthorization, ttlSeconds: number): Promise<void> {
    const key = hashToken(state);
    if (this.pending.has(key)) throw new StateCollisionError();
    this.pending.set(key, { ...authorization }, { ttl: ttlSeconds * 1000 });
  }

  async consume(state: string): Promise<PendingAuthorization | null> {
    // get + delete run in one turn of the event loop, so no other consumer can interleave.
    const key = hashToken(state);
    const authorization = this.pending.get(key);
    this.pending.delete(key);
    return authorization ?? null;
  }

  /** How many authorizations are pending (expired ones may still count until touched). */
  get size(): number {
    return this.pending.size;
  }
}
