import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { SessionStoreError, SessionStoreUnavailableError } from './errors';

/** An ioredis connection: a single node or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * A new ioredis client. ioredis loads with the first Redis store or Redis state store that opens
 * a connection, not with `nextmcp/session` or `nextmcp/auth`.
 */
export function newRedisClient(url: string, options: RedisOptions): Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis: RedisClass } = require('ioredis') as typeof import('ioredis');
  return new RedisClass(url, options);
}

/** Default bound on one round of calls to Redis before failing closed. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;

/**
 * A client for a URL, set up to fail fast and heal: no offline queue (a call made while
 * disconnected fails instead of piling up), a per-command timeout, and reconnection forever at
 * most a second apart, so the store recovers when Redis returns without a restart.
 */
export function createRedisClient(url: string, commandTimeoutMs: number): Redis {
  const client = newRedisClient(url, {
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    // close() while reconnecting would otherwise keep a 2 s timer (and the process) alive.
    disconnectTimeout: Math.min(commandTimeoutMs, 500),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Failures reach callers as SessionStoreUnavailableError; without a listener ioredis prints each one.
  client.on('error', () => undefined);
  return client;
}

/**
 * Runs store operations against Redis within a deadline. It waits (bounded) for the connection to
 * be ready rather than queueing commands, and turns every failure into a typed error whose message
 * comes from us or Redis, never from command arguments (ioredis errors can carry them, so the raw
 * error is not kept as `cause`). A timed-out write may still reach Redis later, as with any network store.
 *
 * @example
 * const guard = new RedisCallGuard(client, 2000);
 * const value = await guard.run(() => client.get(key)); // SessionStoreUnavailableError after 2 s
 */
export class RedisCallGuard {
  private connected?: Promise<void>;

  constructor(
    private readonly client: RedisClient,
    readonly timeoutMs: number = DEFAULT_COMMAND_TIMEOUT_MS,
    private readonly errors: RedisFailureErrors = SESSION_STORE_ERRORS,
  ) {
    requireCommandTimeout(timeoutMs);
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.errors.timeout(this.timeoutMs)), this.timeoutMs);
    });
    const work = this.whenConnected().then(operation);
    work.catch(() => undefined); // it may settle after the deadline has already answered
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      throw this.errors.wrap(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the client is ready; one shared listener however many calls are waiting. */
  private whenConnected(): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return Promise.resolve();
    if (status === 'end') return Promise.reject(this.errors.closed());
    if (status === 'wait') this.client.connect().catch(() => undefined); // a lazyConnect client
    this.connected ??= new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.connected = undefined;
        resolve();
      });
    });
    return this.connected;
  }
}

/** The errors a `RedisCallGuard` fails with, so each user of Redis reports in its own terms. */
export interface RedisFailureErrors {
  timeout(ms: number): Error;
  closed(): Error;
  /** Any other failure; must not keep the raw ioredis error (it can carry command arguments). */
  wrap(error: unknown): Error;
}

const SESSION_STORE_ERRORS: RedisFailureErrors = {
  timeout: (ms) => new SessionStoreUnavailableError(`Redis session store did not answer within ${ms} ms`),
  closed: () => new SessionStoreUnavailableError('Redis session store connection is closed'),
  wrap: asStoreError,
};

/** The first line of an error's message (ioredis appends command details below it). */
export function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
}

export function requireCommandTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('commandTimeoutMs must be a positive number');
}

const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, URIError];

/** Our bugs and bad arguments stay what they are; only Redis trouble becomes a store error. */
export function isProgrammingError(error: unknown): error is Error {
  return PROGRAMMING_ERRORS.some((type) => error instanceof type);
}

function asStoreError(error: unknown): Error {
  if (error instanceof SessionStoreError) return error;
  if (isProgrammingError(error)) return error;
  const message = firstLine(error);
  if (error instanceof Error && error.name === 'ReplyError') return new SessionStoreError(`Redis refused a command: ${message}`);
  return new SessionStoreUnavailableError(`Redis session store unavailable: ${message}`);
}
