/** Options of `AuthorizationStore.set`. */
export interface AuthorizationStoreSetOptions {
  /** Write only when the key holds nothing (Redis `SET NX`); resolves to false when it does. */
  onlyIfAbsent?: boolean;
}

/**
 * Where the authorization server keeps its records (clients, transactions, codes, grants, refresh
 * tokens, consents), shared by every replica. Values are opaque strings; every key has a TTL.
 * `take` must be atomic: of two concurrent calls for one key (on any replica) at most one gets
 * the value, which is what makes codes single-use. A store that cannot be reached rejects within
 * a bounded time (fail closed), never hangs.
 *
 * @example
 * const store: AuthorizationStore = new RedisAuthorizationStore({ url: process.env.REDIS_URL });
 * await store.set('txn:abc', JSON.stringify(txn), 900, { onlyIfAbsent: true });
 * const once = await store.take('txn:abc');   // null for every later caller
 */
export interface AuthorizationStore {
  /** Stores `value` under `key` for `ttlSeconds`; false only when `onlyIfAbsent` found a value. */
  set(key: string, value: string, ttlSeconds: number, options?: AuthorizationStoreSetOptions): Promise<boolean>;
  /** The value, or `null` when the key is unknown or expired. */
  get(key: string): Promise<string | null>;
  /** Atomic get-and-delete: the value for exactly one caller, `null` for the rest. */
  take(key: string): Promise<string | null>;
  /** Whether something was removed. */
  delete(key: string): Promise<boolean>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

/** Code of every `AuthorizationStoreError`. */
export type AuthorizationStoreErrorCode = 'authorization_store_unavailable' | 'authorization_store_error';

/**
 * The authorization store failed: unreachable or too slow (`authorization_store_unavailable`), or
 * it refused a command. Messages never carry keys or values.
 */
export class AuthorizationStoreError extends Error {
  constructor(
    message: string,
    /** `authorization_store_unavailable` (unreachable or too slow, the default) or `authorization_store_error` (a command refused). */
    readonly code: AuthorizationStoreErrorCode = 'authorization_store_unavailable',
  ) {
    super(message);
    this.name = 'AuthorizationStoreError';
  }
}

/** A TTL the stores accept: whole seconds, at least one. */
export function storeTtlSeconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive number');
  return Math.max(1, Math.ceil(ttlSeconds));
}
