import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Server as McpServer } from '@modelcontextprotocol/sdk/server/index.js';
import type { ServerAuth } from '../../auth/server-auth';
import { HttpAuthGate } from '../../auth/http/http-auth-gate';
import { protectedResourceMetadataUrl } from '../../auth/http/protected-resource-metadata';
import type { TargetRegistry } from '../target-registry';
import { McpHttpEndpoint } from './mcp-http-endpoint';
import { HostGuard, isLoopback } from './host-guard';
import type { ResourceInfo } from '../../auth/http/http-admission';
import type { HttpListenOptions, HttpServerOptions, Listener } from './http-options';
import { writeJsonRpcError } from './json-rpc-response';
import { nodeServerOptions, resolveHttpLimits } from './http-limits';
import { answerInternalError } from './internal-error';
import type { Logger } from '../../logging/logger';

/** What the HTTP layer needs from a `NextMCP`. */
export interface HttpHost {
  name: string;
  auth: ServerAuth;
  registry: TargetRegistry;
  /** A server for one MCP session, or for one request when `stateless`. */
  createServer(connection: { stateless: boolean }): McpServer;
  /** Extra routes tried before the MCP endpoint (e.g. OAuth login); true when handled. */
  httpRoutes: readonly ((req: IncomingMessage, res: ServerResponse) => boolean)[];
  /** Told the public resource URL once it is known (the listener is bound); may throw a StartupError. */
  onResource?(resourceUrl: string): void;
}

/** A Node request handler that can be closed (ending its MCP sessions). */
export type HttpHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** Ends the handler's MCP sessions (your HTTP server stays yours to close). */
  close(): Promise<void>;
};

interface Wiring {
  resource: () => ResourceInfo;
  guard: () => HostGuard | undefined;
}

/**
 * The HTTP surface of a server: RFC 9728 metadata at `/.well-known/oauth-protected-resource{path}`,
 * extra routes (OAuth login), and the MCP endpoint at `path`, behind DNS-rebinding protection.
 * For mounting in an existing app, `options.resourceUrl` (the public endpoint URL) is required.
 */
export function createHttpHandler(host: HttpHost, options: HttpServerOptions, wiring?: Wiring): HttpHandler {
  const path = normalizePath(options.path ?? '/mcp');
  const { resource, guard } = wiring ?? mountedWiring(host, options);
  const gate = new HttpAuthGate(host.auth, host.registry, host.name, options.authorizationServers);
  const stateless = options.stateless ?? false;
  const endpoint = new McpHttpEndpoint(() => host.createServer({ stateless }), gate, resource, {
    stateless,
    enableJsonResponse: options.enableJsonResponse,
    limits: resolveHttpLimits(options),
    eventStore: options.eventStore,
    retryInterval: options.retryInterval,
    logger: host.auth.logger,
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((req, res, next) => {
    const refusal = guard()?.refuse(req);
    if (refusal) return writeJsonRpcError(res, 403, { code: -32000, message: `Forbidden: ${refusal}` });
    for (const route of host.httpRoutes) if (route(req, res)) return;
    next();
  });
  // Served where the challenge points (derived from the public resource URL, whose path may differ
  // from the bound one behind a proxy), at the bound path, and at the root.
  const boundMetadataPaths = [`/.well-known/oauth-protected-resource${path === '/' ? '' : path}`, '/.well-known/oauth-protected-resource'];
  app.get(/^\/\.well-known\/oauth-protected-resource(\/.*)?$/, (req, res, next) => {
    const current = resource();
    if (!boundMetadataPaths.includes(req.path) && req.path !== new URL(current.metadataUrl).pathname) return next();
    res.set('cache-control', 'max-age=300').json(gate.protectedResourceMetadata(current));
  });
  app.all(path, (req, res) => endpoint.handle(req, res));
  app.use(answerRoutingError(host.auth.logger));

  const handler = ((req: IncomingMessage, res: ServerResponse) => app(req, res)) as HttpHandler;
  handler.close = () => endpoint.close();
  return handler;
}

function mountedWiring(host: HttpHost, options: HttpServerOptions): Wiring {
  if (!options.resourceUrl) throw new TypeError('httpHandler() needs options.resourceUrl (the public URL of the MCP endpoint)');
  const resource = resourceFor(options.resourceUrl);
  host.onResource?.(resource.resourceUrl);
  const guard = options.allowedHosts ? new HostGuard(options) : undefined;
  return { resource: () => resource, guard: () => guard };
}

/** Starts a Node HTTP server for the MCP endpoint; resolves once it listens. */
export async function startHttpListener(host: HttpHost, options: HttpListenOptions): Promise<Listener & { url: URL }> {
  const hostname = options.host ?? '127.0.0.1';
  const path = normalizePath(options.path ?? '/mcp');
  // Both depend on the bound port; no request can arrive before they are set.
  let resource: ResourceInfo | undefined;
  let guard: HostGuard | undefined;
  const limits = resolveHttpLimits(options);
  const handler = createHttpHandler(host, { ...options, path }, { resource: () => resource!, guard: () => guard });
  const server = createServer(nodeServerOptions(limits), handler);
  if (limits.maxConnections !== undefined) server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = new URL(`http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}${path}`);
  resource = resourceFor(options.resourceUrl ?? url.href);
  try {
    host.onResource?.(resource.resourceUrl);
  } catch (error) {
    await new Promise((closed) => server.close(closed));
    throw error;
  }
  if (isLoopback(hostname) || options.allowedHosts) {
    guard = new HostGuard({
      port: isLoopback(hostname) ? port : undefined,
      resourceUrl: resource.resourceUrl,
      allowedHosts: options.allowedHosts,
      allowedOrigins: options.allowedOrigins,
    });
  }
  return {
    url,
    close: async () => {
      await handler.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export function resourceFor(resourceUrl: string): ResourceInfo {
  return { resourceUrl, metadataUrl: protectedResourceMetadataUrl(resourceUrl) };
}

/**
 * Errors express's router raises on client input (a malformed percent-encoding in the path, …):
 * answered here as JSON-RPC errors, never logged with a stack nor passed on to a host app.
 */
function answerRoutingError(logger: Logger): express.ErrorRequestHandler {
  return (error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction): void => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return writeJsonRpcError(res, status, { code: -32600, message: 'Bad Request' });
    }
    answerInternalError(res, logger, error);
  };
}

function normalizePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/$/, '') : withSlash;
}
