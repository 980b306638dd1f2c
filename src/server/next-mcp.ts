import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { scanClass, scanPromptFunction, scanResourceFunction, scanToolFunction, type Constructor, type HandlerFn } from '../metadata/scanner';
import type { Target } from '../metadata/targets';
import type { ToolOptions } from '../decorators/tool.decorator';
import type { ResourceOptions } from '../decorators/resource.decorator';
import type { PromptOptions } from '../decorators/prompt.decorator';
import { toMiddleware, type Middleware, type MiddlewareLike } from '../pipeline/middleware';
import { RequestPipeline } from '../pipeline/request-pipeline';
import { createEnforcementStage } from '../pipeline/enforcement-stage';
import type { TransportKind } from '../pipeline/request-context';
import { ServerAuth, type ToolListing } from '../auth/server-auth';
import type { Credentials } from '../auth/provider';
import { TargetRegistry } from './target-registry';
import { installProtocolHandlers } from './protocol-handlers';
import { CredentialDetachingTransport } from './transports/credential-detaching-transport';
import { LazyJsonSchemaValidator } from './lazy-json-schema-validator';
import { ConnectedClient } from './connected-client';
import { ConnectedClients } from './connected-clients';
import { ClassInstances } from './class-instances';
import { ElicitationRegistry } from './elicitation-registry';
import { serverCapabilities, serverInfo, type ServerDescription } from './server-description';
import { StdioServerTransport } from './transports/stdio-transport';
import type { HttpHandler, HttpHost } from './http/http-app';
import type { HttpServerOptions, Listener, ListenOptions } from './http/http-options';
import { StartupError } from '../startup-error';
import { AuthMetadata } from '../protocol/auth-metadata';
import { buildAuthMetadata } from '../auth/auth-metadata-builder';
import { publicAccess } from '../decorators/functional';
import type { ServerLoginOptions } from '../auth/oauth/server-login';
import type { OAuthLoginFlow } from '../auth/oauth/oauth-login-flow';
import type { AuthEventListener, AuthEventName } from '../auth/events/auth-event-map';
import type { Logger } from '../logging/logger';
import type { AuthorizationServer } from '../auth/authorization-server/authorization-server';
import type { AuthorizationServerOptions } from '../auth/authorization-server/authorization-server-options';

/** The HTTP stack (express, the SDK's Streamable HTTP transport) loads with the first HTTP listener or handler. */
function httpApp(): typeof import('./http/http-app') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./http/http-app');
}

/**
 * Options of `new NextMCP()`: how the server describes itself (`name` and `version` required;
 * `title`, `description`, `websiteUrl`, `icons` and `instructions` optional) and where it resolves
 * classes, lists tools and logs.
 *
 * @example
 * const mcp = new NextMCP({ name: 'notes', version: '1.0.0', title: 'Notes', toolListing: 'authorized' });
 */
export interface NextMCPOptions extends ServerDescription {
  /** Instructions for the model, sent in the `initialize` result. */
  instructions?: string;
  /** Where tool classes, providers and stores are resolved; default a child of tsyringe's root. */
  container?: DependencyContainer;
  /** `'authorized'` lists only what the caller may call; default `'all'`. */
  toolListing?: ToolListing;
  /** Register the seed's `get_auth_metadata` tool, returning `authMetadata()`. */
  exposeAuthMetadata?: boolean;
  /**
   * Where the server logs, pino's shape (`debug/info/warn/error(fields, message)`); default the
   * console. Everything the package logs goes through it, redacted; session stores the auth
   * middleware uses log here too unless given their own `logger`.
   */
  logger?: Logger;
}

/** Options of `mcp.connect()`. */
export interface ConnectOptions {
  /** Credentials for every message that carries none, verified like any other (a message's own win). */
  credentials?: Credentials;
}

const STATELESS_HTTP =
  'a stateless HTTP server has no MCP session for the client to answer on (listen without `stateless: true` to send requests to the client)';

/**
 * An MCP server whose tools, resources and prompts are class methods (or functions) guarded by
 * auth decorators and middleware, all decided by one pipeline.
 *
 * @example
 * const mcp = new NextMCP({ name: 'My Server', version: '1.0.0' });
 * mcp.use(createAuthMiddleware({ provider: new JwtProvider({ jwksUri, issuer, audience }) }));
 * mcp.register(UserTools);
 * mcp.tool('ping', { description: 'Health' }, async () => 'pong');
 * const { url } = await mcp.listen({ transport: 'http', port: 8080 });
 */
export class NextMCP {
  /** Where tool classes, providers and stores are resolved (`options.container`, else a child of tsyringe's root). */
  readonly container: DependencyContainer;
  /** @internal The registered tools, resources and prompts. */
  readonly registry = new TargetRegistry();
  /** @internal The server's auth setup (providers, installed middleware, manifests, compiled access, events). */
  readonly auth: ServerAuth;

  private readonly middlewares: Middleware[] = [];
  private readonly pipeline: RequestPipeline;
  private readonly instances: ClassInstances;
  private readonly clients = new ConnectedClients();
  private readonly listeners = new Set<Listener>();
  private readonly closeHooks: (() => unknown)[] = [];
  private readonly httpRoutes: ((req: IncomingMessage, res: ServerResponse) => boolean)[] = [];
  private readonly elicitations = new ElicitationRegistry();
  /** Told the public resource URL when an HTTP listener starts (the authorization server's issuer). */
  private readonly resourceListeners: ((resourceUrl: string) => void)[] = [];
  /** Callback paths of the logins on this server, and who uses each. */
  private readonly callbackPaths = new Map<string, string>();
  private started = false;

  constructor(
    /** The options the server was created with. */
    readonly options: NextMCPOptions,
  ) {
    if (!options || typeof options.name !== 'string' || typeof options.version !== 'string') {
      throw new TypeError('new NextMCP({ name, version }) needs a name and a version');
    }
    this.container = options.container ?? rootContainer.createChildContainer();
    this.instances = new ClassInstances(this.container);
    this.auth = new ServerAuth(this.container, () => this.registry.all(), options.toolListing ?? 'all', options.logger);
    this.pipeline = new RequestPipeline(this.container, () => this.middlewares, createEnforcementStage(this.auth));
    if (options.exposeAuthMetadata) {
      // The seed's discovery tool; public so clients can learn how to authenticate.
      this.tool('get_auth_metadata', { description: 'Get server authentication requirements.' }, publicAccess()(async () => this.authMetadata().toJSON()));
    }
  }

  /**
   * Registers classes whose `@Tool`, `@Resource` and `@Prompt` methods become targets. After the
   * server started, each class is checked as at start-up (its access compiled, its instance built)
   * and open sessions are told their lists changed; a class that cannot be served throws a
   * `StartupError` and adds nothing.
   */
  register(...classes: Constructor[]): this {
    for (const cls of classes) {
      this.instances.assertNew(cls);
      const targets = scanClass(cls, this.instances.resolve);
      this.registry.assertAddable(targets);
      const adopted = this.instances.adopt(cls);
      this.addTargets(targets);
      adopted();
    }
    return this;
  }

  /**
   * Removes a tool or prompt by name, or a resource by its URI or URI template, with its compiled
   * access; open sessions are told the list changed, and subscriptions to URIs no resource serves
   * any more are dropped. Returns whether there was such a target. A call already running
   * finishes.
   *
   * @example
   * mcp.unregister('tool', 'beta_search');
   * mcp.unregister('resource', 'notes://{id}');
   */
  unregister(kind: 'tool' | 'prompt' | 'resource', name: string): boolean {
    if (kind !== 'tool' && kind !== 'prompt' && kind !== 'resource') throw new TypeError(`unregister() takes 'tool', 'prompt' or 'resource', not ${String(kind)}`);
    if (!this.registry.remove(kind, name)) return false;
    if (this.started) {
      this.auth.compile();
      if (kind === 'resource') this.clients.dropSubscriptions((uri) => this.registry.findResource(uri) !== undefined);
      this.clients.notifyListChanged([kind]);
    }
    return true;
  }

  /**
   * Sends `notifications/resources/updated` for `uri` to every MCP session subscribed to it
   * (`resources/subscribe`, which needs what reading the resource needs). Resolves to the number
   * of sessions notified.
   *
   * @example
   * await notes.save(id, text);
   * await mcp.notifyResourceUpdated(`notes://${id}`);
   */
  notifyResourceUpdated(uri: string): Promise<number> {
    if (typeof uri !== 'string') return Promise.reject(new TypeError('notifyResourceUpdated() takes a URI string'));
    return this.clients.notifyResourceUpdated(uri);
  }

  /**
   * What this server's installed auth amounts to (requirement, providers, scopes, roles,
   * permissions), in the seed's wire shape via `toJSON()`. Like `listen()`, it starts the server
   * (checking the configuration), so call it after setting everything up.
   */
  authMetadata(): AuthMetadata {
    this.start();
    return buildAuthMetadata(this.auth, this.registry);
  }

  /**
   * Functional form: `mcp.tool('ping', {}, async (args, ctx) => 'pong')`. Like `register()`, it may
   * be called after the server started.
   */
  tool(name: string, options: Omit<ToolOptions, 'name'>, handler: HandlerFn): this {
    this.addTargets([scanToolFunction(name, options, handler)]);
    return this;
  }

  /** Functional form of `@Resource`: `mcp.resource('notes://{id}', {}, async (uri, { id }, ctx) => …)`. */
  resource(uri: string, options: ResourceOptions, handler: HandlerFn): this {
    this.addTargets([scanResourceFunction(uri, options, handler)]);
    return this;
  }

  /** Functional form of `@Prompt`: `mcp.prompt('review', {}, async (args, ctx) => …)`. */
  prompt(name: string, options: PromptOptions, handler: HandlerFn): this {
    this.addTargets([scanPromptFunction(name, options, handler)]);
    return this;
  }

  /** Adds targets: after start-up, only once their access compiled and checked, then tells open sessions. */
  private addTargets(targets: Target[]): void {
    this.registry.assertAddable(targets);
    this.auth.admit(targets);
    this.registry.add(...targets);
    if (this.started) this.clients.notifyListChanged(targets.map((t) => t.kind));
  }

  /** Adds global middleware; it wraps every request in `use()` order. */
  use(middleware: MiddlewareLike): this {
    this.middlewares.push(toMiddleware(middleware));
    if (typeof middleware === 'object' && typeof middleware.onInstall === 'function') middleware.onInstall(this);
    this.pipeline.invalidate();
    return this;
  }

  /**
   * Serves one connection over any SDK transport (e.g. one end of `InMemoryTransport.createLinkedPair()`).
   * `credentials` go with every message that carries none.
   */
  async connect(transport: Transport, options: ConnectOptions = {}): Promise<Listener> {
    this.start();
    const server = this.createProtocolServer(transport instanceof InMemoryTransport ? 'in-memory' : 'custom');
    await server.connect(new CredentialDetachingTransport(transport, givenCredentials(options.credentials)));
    return { close: () => server.close() };
  }

  /** `{ transport: 'stdio' }` or `{ transport: 'http', host, port, path, stateless, … }`. */
  async listen(options: ListenOptions): Promise<Listener> {
    this.start();
    let listener: Listener;
    if (options.transport === 'stdio') {
      const server = this.createProtocolServer('stdio');
      await server.connect(new StdioServerTransport(undefined, undefined, givenCredentials(options.credentials)));
      listener = { close: () => server.close() };
    } else if (options.transport === 'http') {
      listener = await httpApp().startHttpListener(this.httpHost(), options);
    } else {
      throw new TypeError(`unknown transport ${(options as { transport?: unknown }).transport}`);
    }
    this.listeners.add(listener);
    return {
      url: listener.url,
      close: async () => {
        this.listeners.delete(listener);
        await listener.close();
      },
    };
  }

  /** A Node `(req, res)` handler serving the MCP endpoint (and auth metadata) for an existing HTTP app. */
  httpHandler(options: HttpServerOptions = {}): HttpHandler {
    this.start();
    const handler = httpApp().createHttpHandler(this.httpHost(), options);
    this.closeHooks.push(() => handler.close());
    return handler;
  }

  /**
   * Tells the client that the URL elicitation `elicitationId` (sent by `ctx.elicit({ mode: 'url', … })`
   * or a thrown `UrlElicitationRequiredError`) is finished, with `notifications/elicitation/complete`
   * to the MCP session that received it. Resolves to false when no open session did.
   *
   * @example
   * app.get('/connect/callback', async (req, res) => {
   *   await saveGrant(req.query.state);
   *   await mcp.completeElicitation(String(req.query.state));
   *   res.send('Done: return to your MCP client.');
   * });
   */
  completeElicitation(elicitationId: string): Promise<boolean> {
    return this.elicitations.complete(elicitationId);
  }

  /**
   * Listens to an auth event: `auth:allowed`, `auth:denied`, `session:created`, `session:refreshed`,
   * `session:refresh_failed`, `session:deleted` (and the authorization server's `grant:issued`,
   * `grant:revoked`). Listeners run after the decision and are never awaited; one that throws or
   * hangs changes nothing for the request (its error is logged as a warning). No payload holds a
   * token, code, secret or credential. Returns the function that removes the listener.
   *
   * @example
   * const stop = mcp.on('auth:denied', ({ method, target, caller, reason, missingScopes }) => {
   *   logger.info({ method, target, user: caller?.userId, reason, missingScopes }, 'refused');
   * });
   * mcp.on('session:refresh_failed', ({ provider, userId, reason }) => alerts.notify(`${provider}/${userId}: ${reason}`));
   * stop(); // no more auth:denied events for this listener
   */
  on<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): () => void {
    return this.auth.events.on(event, listener);
  }

  /** Runs `hook` on `close()` (e.g. to stop a session store's cleanup timer). */
  onClose(hook: () => unknown): void {
    this.closeHooks.push(hook);
  }

  /** Closes every connection and listener and runs close hooks. */
  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [...this.listeners].map((l) => l.close());
    closing.push(...this.clients.closeAll());
    closing.push(...this.closeHooks.splice(0).map(async (hook) => hook()));
    closing.push(...this.auth.sessionStores().map((store) => store.close()));
    this.auth.unwatchStores();
    this.listeners.clear();
    await Promise.allSettled(closing);
  }

  /** Checks the whole configuration once, before the first connection. */
  private start(): void {
    if (this.started) return;
    this.auth.start();
    this.instances.start();
    this.started = true;
  }

  /** One SDK `Server` for one connection (or stateful HTTP session, or stateless HTTP request). */
  private createProtocolServer(kind: TransportKind, connection: { stateless?: boolean } = {}): Server {
    // Stateless HTTP builds a server per request: its Ajv instance is built only if ever used.
    const validator = new LazyJsonSchemaValidator();
    const capabilities = serverCapabilities(this.registry, connection);
    const server = new Server(serverInfo(this.options), {
      capabilities,
      ...(this.options.instructions && { instructions: this.options.instructions }),
      jsonSchemaValidator: validator,
    });
    const client = new ConnectedClient(server, capabilities, validator, this.elicitations, connection.stateless ? STATELESS_HTTP : undefined);
    installProtocolHandlers(server, { registry: this.registry, pipeline: this.pipeline, listing: this.auth, transport: kind, capabilities, client });
    this.clients.add(client);
    server.onclose = () => {
      this.clients.delete(client);
      client.closed();
    };
    return server;
  }

  private httpHost(): HttpHost {
    return {
      name: this.options.name,
      auth: this.auth,
      registry: this.registry,
      createServer: (connection) => this.createProtocolServer('http', connection),
      httpRoutes: this.httpRoutes,
      onResource: (resourceUrl) => this.resourceListeners.forEach((listener) => listener(resourceUrl)),
    };
  }

  /**
   * Server-hosted OAuth login on the HTTP listener (`/oauth/authorize`, `/oauth/callback`); a
   * finished login creates the user's session.
   *
   * @example
   * mcp.enableOAuthLogin({ providers: [github, google], redirectUri: 'http://127.0.0.1:8080/oauth/callback' });
   */
  enableOAuthLogin(options: ServerLoginOptions): OAuthLoginFlow {
    this.assertNotStarted('enableOAuthLogin()');
    this.claimCallbackPath(options.callbackPath ?? '/oauth/callback', 'enableOAuthLogin()');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { mountOAuthLogin } = require('../auth/oauth/server-login') as typeof import('../auth/oauth/server-login');
    return mountOAuthLogin(this, options);
  }

  /**
   * Makes the HTTP listener an OAuth 2.1 authorization server in front of `options.upstream`
   * (GitHub, Google, …), so stock MCP clients log in with no copy-paste. The result is also the
   * auth provider that verifies the tokens it issues. Before `listen()` only.
   *
   * @example
   * const authServer = mcp.enableAuthorizationServer({ upstream: github, scopesSupported: ['notes:read'] });
   * mcp.use(createAuthMiddleware({ provider: authServer, requiredScopes: ['notes:read'] }));
   */
  enableAuthorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
    this.assertNotStarted('enableAuthorizationServer()');
    // Loaded when used: the authorization server is a good part of the package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { mountAuthorizationServer } = require('../auth/authorization-server/mount-authorization-server') as typeof import('../auth/authorization-server/mount-authorization-server');
    return mountAuthorizationServer(
      {
        auth: this.auth,
        container: this.container,
        addHttpRoute: (route) => this.addHttpRoute(route),
        onHttpResource: (listener) => this.resourceListeners.push(listener),
        onClose: (hook) => this.onClose(hook),
        claimCallbackPath: (path, owner) => this.claimCallbackPath(path, owner),
      },
      options,
    );
  }

  private claimCallbackPath(path: string, owner: string): void {
    const existing = this.callbackPaths.get(path);
    if (existing) throw new StartupError(`${owner} and ${existing} cannot share the callback path ${path}`);
    this.callbackPaths.set(path, owner);
  }

  /**
   * Adds an HTTP route tried before the MCP endpoint (e.g. OAuth login routes); it returns true
   * when it handled the request.
   */
  addHttpRoute(route: (req: IncomingMessage, res: ServerResponse) => boolean): this {
    this.httpRoutes.push(route);
    return this;
  }

  private assertNotStarted(what: string): void {
    if (this.started) throw new StartupError(`${what} must be called before the server starts`);
  }
}

/**
 * Default credentials as given, without empty values: `{ access_token: process.env.NOTES_TOKEN }`
 * with the variable unset is no credentials (a call then needs authentication), not a malformed token.
 */
function givenCredentials(credentials: Credentials | undefined): Credentials | undefined {
  if (!credentials) return undefined;
  const present = Object.entries(credentials).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return present.some(([key]) => key !== 'provider') ? (Object.fromEntries(present) as Credentials) : undefined;
}
