import {
  createRedisClient,
  DEFAULT_COMMAND_TIMEOUT_MS,
  firstLine,
  isProgrammingError,
  RedisCallGuard,
  requireCommandTimeout,
  type RedisClient,
  type RedisFailureErrors,
} from '../../session/redis-connection';
import {
  AuthorizationStoreError,
  storeTtlSeconds,
  type AuthorizationStore,
  type AuthorizationStoreSetOptions,
} from './authorization-store';

/** Options of `new RedisAuthorizationStore()`: a `url` or a `client`, not both. */
export interface RedisAuthorizationStoreOptions {
  /** Where to connect when no `client` is given. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** A client you created (shared, e.g. `RedisSessionStore.client`); the store never quits it. */
  client?: RedisClient;
  /** Prefix of every key. Default `'nextmcp:as:'`. */
  keyPrefix?: string;
  /** Bound on each call to Redis; past it the call fails with `AuthorizationStoreError`. Default 2000. */
  commandTimeoutMs?: number;
}

// ioredis attaches command arguments (record values) to its errors: only the first line is kept.
const STORE_ERRORS: RedisFailureErrors = {
  timeout: (ms) => new AuthorizationStoreError(`Authorization store: Redis did not answer within ${ms} ms`),
  closed: () => new AuthorizationStoreError('Authorization store: the Redis connection is closed'),
  wrap: (error) => {
    if (error instanceof AuthorizationStoreError) return error;
    if (isProgrammingError(error)) return error;
    const refused = error instanceof Error && error.name === 'ReplyError';
    return new AuthorizationStoreError(
      `Authorization store: Redis ${refused ? 'refused a command' : 'failed'}: ${firstLine(error)}`,
      refused ? 'authorization_store_error' : 'authorization_store_unavailable',
    );
  },
};

/**
 * Authorization records in Redis, shared by every replica: `SET … EX … [NX]` and `GETDEL`
 * (Redis 6.2+), so a code or transaction is taken by exactly one replica. When Redis is down each
 * call fails closed with `AuthorizationStoreError` within `commandTimeoutMs`, and works again once
 * Redis is back.
 *
 * @example
 * const store = new RedisAuthorizationStore({ client: sessions.client });   // share the session store's connection
 * mcp.enableAuthorizationServer({ upstream: github, store, signingKey: process.env.AS_SIGNING_JWK });
 */
export class RedisAuthorizationStore implements AuthorizationStore {
  /** The connection (given, or opened from `url`), for sharing. */
  readonly client: RedisClient;
  /** The prefix of every key (`'nextmcp:as:'` by default). */
  readonly keyPrefix: string;
  private readonly ownsClient: boolean;
  private readonly guard: RedisCallGuard;

  constructor(options: RedisAuthorizationStoreOptions = {}) {
    if (options.client && options.url) throw new TypeError('RedisAuthorizationStore: pass either url or client, not both');
    const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    requireCommandTimeout(timeoutMs);
    this.keyPrefix = options.keyPrefix ?? 'nextmcp:as:';
    this.ownsClient = !options.client;
    this.client = options.client ?? createRedisClient(options.url ?? 'redis://127.0.0.1:6379', timeoutMs);
    this.guard = new RedisCallGuard(this.client, timeoutMs, STORE_ERRORS);
  }

  async set(key: string, value: string, ttlSeconds: number, options: AuthorizationStoreSetOptions = {}): Promise<boolean> {
    const ttl = storeTtlSeconds(ttlSeconds);
    const redisKey = this.keyPrefix + key;
    const reply = await this.guard.run(() =>
      options.onlyIfAbsent ? this.client.set(redisKey, value, 'EX', ttl, 'NX') : this.client.set(redisKey, value, 'EX', ttl),
    );
    return reply === 'OK';
  }

  get(key: string): Promise<string | null> {
    return this.guard.run(() => this.client.get(this.keyPrefix + key));
  }

  take(key: string): Promise<string | null> {
    return this.guard.run(() => this.client.getdel(this.keyPrefix + key));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.guard.run(() => this.client.del(this.keyPrefix + key))) > 0;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
