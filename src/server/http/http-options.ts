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
  /** Largest accepted request body; default 1 MiB. */
  maxBodyBytes?: number;
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
  /** Most concurrent stateful MCP sessions; default 10 000. */
  maxSessions?: number;
}

export interface HttpListenOptions extends HttpServerOptions {
  transport: 'http';
}

export interface StdioListenOptions {
  transport: 'stdio';
}

export type ListenOptions = HttpListenOptions | StdioListenOptions;

/** What `listen()` resolves to. */
export interface Listener {
  /** The MCP endpoint URL (HTTP only). */
  url?: URL;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
