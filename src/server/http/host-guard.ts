import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/**
 * DNS-rebinding protection: a server bound to loopback only answers requests whose `Host` names
 * loopback (or an allowed host) and whose `Origin`, when sent, does too. Without this a web page on
 * another site could drive a local MCP server through the victim's browser.
 */
export class HostGuard {
  private readonly allowedHosts: Set<string>;
  private readonly allowedOrigins?: Set<string>;

  constructor(options: { port?: number; allowedHosts?: string[]; allowedOrigins?: string[] }) {
    const defaults = options.port === undefined ? [] : [...LOOPBACK_HOSTS].map((h) => `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${options.port}`);
    this.allowedHosts = new Set([...(options.allowedHosts ?? []), ...defaults].map((h) => h.toLowerCase()));
    this.allowedOrigins = options.allowedOrigins ? new Set(options.allowedOrigins.map((o) => o.toLowerCase())) : undefined;
  }

  /** Why the request is refused, or undefined when it may proceed. */
  refuse(req: IncomingMessage): string | undefined {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.allowedHosts.has(host)) return `Host "${host}" is not allowed`;
    const origin = req.headers.origin?.toLowerCase();
    if (origin === undefined) return undefined;
    if (this.allowedOrigins) return this.allowedOrigins.has(origin) ? undefined : `Origin "${origin}" is not allowed`;
    try {
      return isLoopback(new URL(origin).hostname) ? undefined : `Origin "${origin}" is not allowed`;
    } catch {
      return 'Malformed Origin header';
    }
  }
}
