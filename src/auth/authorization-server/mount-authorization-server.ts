import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import type { ServerAuth } from '../server-auth';
import { AuthorizationServer } from './authorization-server';
import type { AuthorizationServerOptions } from './authorization-server-options';

/** What mounting needs from a `NextMCP`. */
export interface AuthorizationServerHost {
  readonly auth: ServerAuth;
  readonly container: DependencyContainer;
  addHttpRoute(route: (req: IncomingMessage, res: ServerResponse) => boolean): unknown;
  /** Calls `listener` with the public resource URL when an HTTP listener starts. */
  onHttpResource(listener: (resourceUrl: string) => void): void;
  onClose(hook: () => unknown): void;
  /** Reserves an HTTP callback path; a StartupError when another login already uses it. */
  claimCallbackPath(path: string, owner: string): void;
}

/**
 * `mcp.enableAuthorizationServer()`: the authorization server's routes on the HTTP listener (tried
 * before the MCP endpoint), its issuer and resource settled when the listener starts, and the
 * server known as an auth provider.
 */
export function mountAuthorizationServer(host: AuthorizationServerHost, options: AuthorizationServerOptions): AuthorizationServer {
  const server = new AuthorizationServer(options, { container: host.container, auth: host.auth });
  host.claimCallbackPath(server.callbackPath, 'enableAuthorizationServer()');
  host.auth.providers.add(server);
  host.addHttpRoute((req, res) => server.handleHttp(req, res));
  host.onHttpResource((resourceUrl) => server.bindResource(resourceUrl));
  host.onClose(() => server.close());
  return server;
}
