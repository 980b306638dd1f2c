import Redis, { type Cluster } from 'ioredis';
import { hashToken } from '../token-hash';
import { StateCollisionError, type OAuthStateStore, type PendingAuthorization } from './oauth-state-store';

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
  readonly client: Redis | Cluster;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  private connecting?: Promise<void>;

  constructor(options: RedisOAuthStateStoreOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? 'nextmcp:oauth-state:';
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    if (options.client && options.url) throw new TypeError('RedisOAuthStateStore: pass either url or client, not both');
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      // One retry per command and a bounded connect: an unreachable Redis gives an error, not a queue.
      this.client = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
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
  }

  async save(state: string, authorization: PendingAuthorization, ttlSeconds: number): Promise<void> {
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
    const stored = await this.bounded(
      () => this.client.set(this.key(state), JSON.stringify(authorization), 'PX', ttlMs, 'NX'),
      'save',
    );
    if (stored !== 'OK') throw new StateCollisionError();
  }

  async consume(state: string): Promise<PendingAuthorization | null> {
    const raw = await this.bounded(() => this.client.getdel(this.key(state)), 'consume');
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

  /**
   * Runs one command within `commandTimeoutMs`: waits for a connecting client to be ready (a shared
   * client may have its offline queue off) and fails closed on a deadline. Errors keep only the
   * first line of Redis's message: ioredis attaches the command's arguments (here, the verifier)
   * to its errors, so they are never passed on as `cause`.
   */
  private async bounded<T>(command: () => Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`OAuth state store: Redis ${what} did not answer within ${this.commandTimeoutMs} ms`)),
        this.commandTimeoutMs,
      );
    });
    const work = this.whenReady().then(command);
    work.catch(() => undefined); // it may settle after the deadline has answered
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
      if (message.startsWith('OAuth state store:')) throw new Error(message);
      throw new Error(`OAuth state store: Redis ${what} failed: ${message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the client is ready; one shared listener however many calls are waiting. */
  private whenReady(): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return Promise.resolve();
    if (status === 'end') return Promise.reject(new Error('OAuth state store: the Redis connection is closed'));
    if (status === 'wait') this.client.connect().catch(() => undefined); // a lazyConnect client
    this.connecting ??= new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.connecting = undefined;
        resolve();
      });
    });
    return this.connecting;
  }
}
