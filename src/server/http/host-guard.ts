import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

export interface HostGuardOptions {
  /** The bound port, when bound to loopback: loopback `Host` values with this port are allowed. */
  port?: number;
  /** The public URL of the endpoint: its host (and origin) are allowed, e.g. behind a reverse proxy. */
  resourceUrl?: string;
  /** More `Host` values, as the header carries them (`notes.example.com`, `mcp.internal:8080`). */
  allowedHosts?: string[];
  /** When set, the only `Origin` values allowed. */
  allowedOrigins?: string[];
}

/**
 * DNS-rebinding protection: a server bound to loopback only answers requests whose `Host` names
 * loopback, its public `resourceUrl`'s host or an allowed host, and whose `Origin`, when sent, does
 * too. Without this a web page on another site could drive a local MCP server through the
 * victim's browser. The public host is safe to allow: a rebinding page can only send host names
 * its author's DNS controls.
 */
export class HostGuard {
  private readonly allowedHosts: Set<string>;
  private readonly allowedOrigins?: Set<string>;
  private readonly publicOrigin?: string;

  constructor(options: HostGuardOptions) {
    const defaults = options.port === undefined ? [] : [...LOOPBACK_HOSTS].map((h) => `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${options.port}`);
    const publicUrl = options.resourceUrl === undefined ? undefined : new URL(options.resourceUrl);
    const publicHost = publicUrl ? [publicUrl.host] : [];
    this.allowedHosts = new Set([...(options.allowedHosts ?? []), ...defaults, ...publicHost].map((h) => h.toLowerCase()));
    this.allowedOrigins = options.allowedOrigins ? new Set(options.allowedOrigins.map((o) => o.toLowerCase())) : undefined;
    this.publicOrigin = publicUrl?.origin.toLowerCase();
  }

  /** Why the request is refused, or undefined when it may proceed. */
  refuse(req: IncomingMessage): string | undefined {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.allowedHosts.has(host)) return `Host "${host}" is not allowed`;
    const origin = req.headers.origin?.toLowerCase();
    if (origin === undefined) return undefined;
    if (this.allowedOrigins) return this.allowedOrigins.has(origin) ? undefined : `Origin "${origin}" is not allowed`;
    if (origin === this.publicOrigin) return undefined;
    try {
      return isLoopback(new URL(origin).hostname) ? undefined : `Origin "${origin}" is not allowed`;
    } catch {
      return 'Malformed Origin header';
    }
  }
}
