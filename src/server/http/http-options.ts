import type { Credentials } from '../../auth/provider';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** Options of `mcp.listen({ transport: 'http', … })` and `mcp.httpHandler(…)`. */
export interface HttpServerOptions {
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Port; `0` (the default) picks a free one, reported in the resolved `url`. */
  port?: number;
  /** MCP endpoint path; default `/mcp`. */
  path?: string;
  /** No MCP session ids: each POST stands alone (horizontal scaling behind a load balancer). */
  stateless?: boolean;
  /**
   * The public URL of the MCP endpoint: the RFC 9728 `resource` and the expected token audience.
   * Its host is accepted in the `Host` header (and its origin in `Origin`), so a reverse proxy that
   * keeps the `Host` header reaches a server bound to loopback.
   */
  resourceUrl?: string;
  /** OAuth authorization servers advertised in the protected-resource metadata. */
  authorizationServers?: string[];
  /** Largest accepted request body in bytes; larger bodies get `413`. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Deepest nesting of arrays and objects accepted in a request body; deeper bodies get `400`
   * with JSON-RPC error `-32600`. Default 64.
   */
  maxJsonDepth?: number;
  /**
   * Extra `Host` header values accepted, exactly as the header carries them (`notes.example.com`,
   * `mcp.internal:8080`). DNS-rebinding protection is on when bound to loopback (loopback hosts and
   * `resourceUrl`'s host are accepted) or when this is set.
   */
  allowedHosts?: string[];
  /** `Origin` values accepted; by default loopback origins when bound to loopback. */
  allowedOrigins?: string[];
  /** Answer POSTs with plain JSON instead of an SSE stream. */
  enableJsonResponse?: boolean;
  /**
   * Most stateful MCP sessions open at once, over all users; past it `initialize` gets `503` with
   * `Retry-After`. Default 10 000.
   */
  maxSessions?: number;
  /**
   * Most stateful MCP sessions one caller (`provider:userId`) may hold; opening one more closes
   * that caller's least recently used session (its id then answers `404`). Default 100.
   */
  maxSessionsPerUser?: number;
  /** A stateful MCP session with no request and no open stream for this long is closed. Default 1 800 000 (30 min). */
  sessionIdleTimeoutMs?: number;
  /**
   * `listen()` only: time a client has to send the request headers; past it the connection is
   * closed (slow-header clients). Default 10 000.
   */
  headersTimeoutMs?: number;
  /**
   * `listen()` only: time a client has to send the whole request (headers and body); responses and
   * SSE streams are not cut. Default 30 000.
   */
  requestTimeoutMs?: number;
  /** `listen()` only: most open TCP connections; further ones are closed on arrival. Default: no limit. */
  maxConnections?: number;
  /**
   * Resumable SSE streams (stateful only): where each MCP session keeps the events it sent, so a
   * client reconnecting with `Last-Event-ID` gets what it missed. Default: a `MemoryEventStore` per
   * session (last 100 events, 1 MiB, 60 s); `false`: streams are not resumable.
   */
  eventStore?: false | ((sessionId: string) => EventStore);
  /** The `retry:` interval (ms) sent when a stream opens: how long a client waits before reconnecting. */
  retryInterval?: number;
}

/** Options of `mcp.listen({ transport: 'http', … })`. */
export interface HttpListenOptions extends HttpServerOptions {
  /** Streamable HTTP. */
  transport: 'http';
}

/** Options of `mcp.listen({ transport: 'stdio', … })`. */
export interface StdioListenOptions {
  /** Newline-delimited JSON-RPC on stdin/stdout. */
  transport: 'stdio';
  /**
   * Credentials for every message that carries none, verified like any other (a message's own
   * win). For servers a desktop client starts with a command and environment variables only.
   *
   * @example
   * await mcp.listen({ transport: 'stdio', credentials: { access_token: process.env.NOTES_TOKEN } });
   */
  credentials?: Credentials;
}

/** What `mcp.listen()` takes: HTTP or stdio options. */
export type ListenOptions = HttpListenOptions | StdioListenOptions;

/** What `listen()` resolves to. */
export interface Listener {
  /** The MCP endpoint URL (HTTP only). */
  url?: URL;
  /** Stops listening and closes its connections. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 64;
export const DEFAULT_MAX_SESSIONS = 10_000;
export const DEFAULT_MAX_SESSIONS_PER_USER = 100;
export const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
