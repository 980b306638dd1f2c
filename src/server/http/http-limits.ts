import type { ServerOptions } from 'node:http';
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_JSON_DEPTH,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_USER,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SESSION_IDLE_TIMEOUT_MS,
  type HttpServerOptions,
} from './http-options';

/** The HTTP limits of DESIGN §5 with their defaults filled in. */
export interface HttpLimits {
  maxBodyBytes: number;
  maxJsonDepth: number;
  maxSessions: number;
  maxSessionsPerUser: number;
  sessionIdleTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number | undefined;
}

/**
 * The limits `options` asks for, defaults where it says nothing.
 * @throws RangeError naming the option when a limit is not a positive integer.
 */
export function resolveHttpLimits(options: HttpServerOptions): HttpLimits {
  return {
    maxBodyBytes: positive(options, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES),
    maxJsonDepth: positive(options, 'maxJsonDepth', DEFAULT_MAX_JSON_DEPTH),
    maxSessions: positive(options, 'maxSessions', DEFAULT_MAX_SESSIONS),
    maxSessionsPerUser: positive(options, 'maxSessionsPerUser', DEFAULT_MAX_SESSIONS_PER_USER),
    sessionIdleTimeoutMs: positive(options, 'sessionIdleTimeoutMs', DEFAULT_SESSION_IDLE_TIMEOUT_MS),
    headersTimeoutMs: positive(options, 'headersTimeoutMs', DEFAULT_HEADERS_TIMEOUT_MS),
    requestTimeoutMs: positive(options, 'requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS),
    maxConnections: options.maxConnections === undefined ? undefined : positive(options, 'maxConnections', 0),
  };
}

/** Node timers fire at once past this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function positive(options: HttpServerOptions, name: keyof HttpLimits, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`HTTP option ${name} must be a positive integer`);
  if (name.endsWith('Ms') && value > MAX_TIMER_MS) throw new RangeError(`HTTP option ${name} must be at most ${MAX_TIMER_MS}`);
  return value;
}

/**
 * Options for `http.createServer` enforcing the receive timeouts. Node only checks them on an
 * interval (30 s by default), so it is set from the timeouts; the header timeout cannot exceed the
 * whole request's (Node refuses that).
 */
export function nodeServerOptions(limits: HttpLimits): ServerOptions {
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))),
  };
}
