import type { LRUCache } from 'lru-cache';

/**
 * A new `LRUCache`, with lru-cache loaded on first use rather than when `nextmcp` is imported
 * (it is a tenth of the package's import time, and a server may never need one).
 */
export function createLruCache<K extends {}, V extends {}>(options: LRUCache.Options<K, V, unknown>): LRUCache<K, V> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LRUCache: Cache } = require('lru-cache') as typeof import('lru-cache');
  return new Cache<K, V>(options);
}
