import type { Cluster, Redis } from 'ioredis';
import { hashToken } from '../token-hash';
import { StateCollisionError, type OAuthStateStore, type PendingAuthorization } from './oauth-state-store';
import { RedisCallGuard, firstLine, newRedisClient, type RedisFailureErrors } from '../../session/redis-connection';

/*
 * Failures keep only the first line of Redis's message: ioredis attaches the command's arguments
 * (here, the PKCE verifier) to its errors, so they are never passed on as `cause`.
 */
const STATE_STORE_ERRORS: RedisFailureErrors = {
  timeout: (ms) => new Error(`OAuth state store: Redis did not answer within ${ms} ms`),
  closed: () => new Error('OAuth state store: the Redis connection is closed'),
  wrap: (error) => {
    const message = firstLine(error);
    return new Error(message.startsWith('OAuth state store:') ? message : `OAuth state store: Redis failed: ${message}`);
  },
};

/** Options of `new RedisOAuthStateStore()`. */
export interface RedisOAuthStateStoreOptions {
  /**
   * An existing connection, e.g. `RedisSessionStore.client`, so login state shares the session
   * layer's connection. The store never closes a client it was given.
   */
  client?: Redis | Cluster;
  /** Connection URL, used when no `client` is given (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** Prefix of every key (default `nextmcp:oauth-state:`). Keys are hashes of the state value. */
  keyPrefix?: string;
  /** Longest wait for one Redis command before failing closed (default 2 000 ms). */
  commandTimeoutMs?: number;
}

/**
 * Pending authorizations in Redis, for several replicas: the authorize request and the callback
 * may land on different processes. `consume` is a single `GETDEL` (Redis 6.2+), so of two
 * replicas racing on one state at most one gets it. A Redis that is down makes `save`/`consume`
 * reject within `commandTimeoutMs`, so logins fail closed instead of hanging.
 *
 * @example
 * const sessions = new RedisSessionStore({ url: process.env.REDIS_URL });
 * const stateStore = new RedisOAuthStateStore({ client: sessions.client });
 * const google = new GoogleOAuthProvider({ clientId, clientSecret, stateStore });
 */
export class RedisOAuthStateStore implements OAuthStateStore {
  /** The connection in use (given, or opened from `url`). */
  readonly client: Redis | Cluster;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  private readonly guard: RedisCallGuard;

  constructor(options: RedisOAuthStateStoreOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? 'nextmcp:oauth-state:';
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    if (options.client && options.url) throw new TypeError('RedisOAuthStateStore: pass either url or client, not both');
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      // One retry per command and a bounded connect: an unreachable Redis gives an error, not a queue.
      this.client = newRedisClient(options.url ?? 'redis://127.0.0.1:6379', {
        maxRetriesPerRequest: 1,
        connectTimeout: this.commandTimeoutMs,
        commandTimeout: this.commandTimeoutMs,
        disconnectTimeout: this.commandTimeoutMs,
      });
      // Connection errors reach callers through the failing commands; without a listener ioredis
      // would also print each one.
      this.client.on('error', () => undefined);
      this.ownsClient = true;
    }
    this.guard = new RedisCallGuard(this.client, this.commandTimeoutMs, STATE_STORE_ERRORS);
  }

  async save(state: string, authorization: PendingAuthorization, ttlSeconds: number): Promise<void> {
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
    const stored = await this.guard.run(() => this.client.set(this.key(state), JSON.stringify(authorization), 'PX', ttlMs, 'NX'));
    if (stored !== 'OK') throw new StateCollisionError();
  }

  async consume(state: string): Promise<PendingAuthorization | null> {
    const raw = await this.guard.run(() => this.client.getdel(this.key(state)));
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as PendingAuthorization;
    } catch {
      // Not echoed: the record holds a PKCE verifier.
      throw new Error('OAuth state store: a stored authorization could not be read');
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(state: string): string {
    return `${this.keyPrefix}${hashToken(state)}`;
  }
}
