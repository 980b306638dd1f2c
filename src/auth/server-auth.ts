import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Target } from '../metadata/targets';
import type { ProviderRef } from '../metadata/access-policy';
import type { Middleware } from '../pipeline/middleware';
import type { RequestContext } from '../pipeline/request-context';
import type { AccessEnforcer } from '../pipeline/enforcement-stage';
import { credentialsAt, CREDENTIALS_KEY } from '../pipeline/credentials';
import { POLICY_ENFORCED } from '../pipeline/policy-enforced';
import { CONNECTION_CALLER } from './connection-caller';
import { isDecidedMethod } from '../server/target-registry';
import { AUTH_PROVIDER, PERMISSION_MANIFEST, SESSION_STORE } from '../di/tokens';
import { AuthRequirement } from '../protocol/auth-requirement';
import type { SessionStore } from '../session/session-store';
import { MemorySessionStore } from '../session/memory-store';
import { StartupError } from '../startup-error';
import type { AuthMiddlewareConfig, AuthMiddlewareHost } from './auth-middleware-options';
import { Authenticator, type Caller } from './authenticator';
import type { PermissionManifest } from './manifest';
import type { AuthProvider, Credentials } from './provider';
import { isAuthProvider, ProviderRegistry } from './provider-registry';
import { ProviderSessions } from './provider-sessions';
import { AccessTable, type TargetAccess } from './target-access';
import { AUTH_META_KEY } from '../protocol/auth-meta-key';
import { AuthEvents } from './events/auth-events';
import { DecisionEvents } from './events/decision-events';
import { consoleLogger, type Logger } from '../logging/logger';
import { RedactingLogger } from '../logging/redacting-logger';
import { useServerLogger } from '../logging/component-logger';

/** What `tools/list` shows: every tool, or only those the caller may call. */
export type ToolListing = 'all' | 'authorized';

/** An installed auth middleware, resolved: its providers and the authenticator with its sessions. */
interface Binding {
  readonly config?: AuthMiddlewareConfig;
  readonly providers: readonly AuthProvider[];
  readonly authenticator: Authenticator;
}

/**
 * A server's auth setup, one per `NextMCP`: the installed auth middleware (configuration), the
 * providers and manifests, one authenticator per middleware, and the compiled access of every
 * target. It runs the middleware, decides calls (`enforce`), and answers listings.
 */
export class ServerAuth implements AuthMiddlewareHost, AccessEnforcer {
  readonly providers = new ProviderRegistry();
  private readonly configs: AuthMiddlewareConfig[] = [];
  private readonly bindings = new Map<AuthMiddlewareConfig, Binding>();
  private defaultBinding?: Binding;
  private readonly manifests: PermissionManifest[] = [];
  private readonly refNames = new Map<unknown, string>();
  private table?: AccessTable;
  private started = false;
  /** Stores whose deletes are reported as `session:deleted`, and how to stop listening. */
  private readonly watchedStores = new Map<SessionStore, () => void>();
  /** The server's logger, redacted: everything the server logs goes through it. */
  readonly logger: Logger;
  /** `mcp.on()`: auth decisions, sessions and (authorization server) grants. */
  readonly events: AuthEvents;
  /** Reports each decided call as `auth:allowed` / `auth:denied`. */
  readonly decisions: DecisionEvents;

  constructor(
    readonly container: DependencyContainer,
    private readonly targets: () => Iterable<Target>,
    readonly toolListing: ToolListing = 'all',
    private readonly userLogger: Logger = consoleLogger,
  ) {
    this.logger = new RedactingLogger(() => userLogger);
    this.events = new AuthEvents(this.logger);
    this.decisions = new DecisionEvents(this.events);
  }

  /** `mcp.use(authMiddleware)`: the middleware's stage, run for every request. */
  install(config: AuthMiddlewareConfig): Middleware {
    this.configs.push(config);
    if (this.started) {
      this.bind(config);
      this.compile();
    }
    return (ctx, next) => this.runMiddleware(config, ctx, next);
  }

  /** Start-up: resolves providers, stores and manifests from options and DI, checks everything, compiles access. */
  start(): void {
    if (this.started) return;
    if (this.container.isRegistered(AUTH_PROVIDER, true)) this.providers.add(this.container.resolve<AuthProvider>(AUTH_PROVIDER));
    if (this.container.isRegistered(PERMISSION_MANIFEST, true)) this.addManifest(this.container.resolve<PermissionManifest>(PERMISSION_MANIFEST));
    for (const config of this.configs) this.bind(config);
    const targets = [...this.targets()];
    const toolNames = new Set(targets.filter((t) => t.kind === 'tool').map((t) => t.name));
    for (const manifest of this.manifests) manifest.assertTools(toolNames);
    this.table = this.servableTable(targets, targets);
    this.started = true;
  }

  /**
   * Targets added after start-up: their access is compiled and checked as at start-up (providers
   * resolved, a provider configured when they need authentication). Throws, changing nothing, when
   * one cannot be served; the caller then leaves them out of the registry.
   */
  admit(added: readonly Target[]): void {
    if (!this.started) return;
    this.table = this.servableTable([...this.targets(), ...added], added);
  }

  /** Recompiles every target's access (after targets or middleware changed). */
  compile(): void {
    this.table = this.buildTable([...this.targets()]);
  }

  private servableTable(targets: readonly Target[], checked: readonly Target[]): AccessTable {
    const table = this.buildTable(targets);
    for (const target of checked) {
      if (table.for(target).requiresAuth && this.providers.names().length === 0) {
        throw new StartupError(`${target.source} requires authentication but no auth provider is configured`);
      }
    }
    return table;
  }

  private buildTable(targets: readonly Target[]): AccessTable {
    // Named providers first, so every access lists every provider's name.
    for (const target of targets) if (target.policy.provider !== undefined) this.providerNameOf(target.policy.provider);
    return new AccessTable({
      targets,
      requiredMiddlewareScopes: this.configs.filter((c) => c.requirement === AuthRequirement.REQUIRED).map((c) => c.requiredScopes),
      manifests: this.manifests,
      providerNameOf: (ref) => this.providerNameOf(ref),
      providers: this.providers.names(),
    });
  }

  /** The compiled access of a target (or of a call to no known target). */
  accessOf(target: Target | undefined): TargetAccess {
    if (!this.table) this.compile();
    return this.table!.for(target);
  }

  /** The REQUIRED middleware, if any: over HTTP it gates every request. */
  get requiredMiddleware(): AuthMiddlewareConfig | undefined {
    return this.configs.find((c) => c.requirement === AuthRequirement.REQUIRED);
  }

  get middlewares(): readonly AuthMiddlewareConfig[] {
    return this.configs;
  }

  get permissionManifests(): readonly PermissionManifest[] {
    return this.manifests;
  }

  providerNames(): string[] {
    return this.providers.names();
  }

  /**
   * Credentials → caller, with the named provider or else the first auth middleware's providers
   * (all known providers without middleware); its sessions and RBAC apply.
   */
  authenticate(credentials: Credentials, providerName?: string, requiredScopes: readonly string[] = []): Promise<Caller> {
    const binding = this.bindingFor(providerName);
    return binding.authenticator.authenticate(credentials, this.candidates(binding, providerName), requiredScopes);
  }

  enforce(ctx: RequestContext): Promise<void> | undefined {
    return this.decide(ctx, undefined);
  }

  /**
   * The installed auth middleware that authenticates with `provider` (else the REQUIRED one), with
   * the session store it uses: for components that act on its behalf (the authorization server).
   */
  middlewareFor(provider: AuthProvider): { config: AuthMiddlewareConfig; sessionStore?: SessionStore } | undefined {
    const config = this.configs.find((c) => this.bindings.get(c)?.providers.includes(provider)) ?? this.requiredMiddleware;
    return config && { config, sessionStore: this.bindings.get(config)?.authenticator.sessions?.store };
  }

  /** Stops listening to the session stores (`mcp.close()`). */
  unwatchStores(): void {
    for (const stop of this.watchedStores.values()) stop();
    this.watchedStores.clear();
  }

  /** The session stores in use, so `mcp.close()` can close them (a given store even if never started). */
  sessionStores(): SessionStore[] {
    const given = this.configs.map((c) => c.options.sessionStore);
    const used = [...this.bindings.values(), this.defaultBinding].map((b) => b?.authenticator.sessions?.store);
    return [...new Set([...given, ...used].filter((s): s is SessionStore => !!s))];
  }

  // Listings

  isListed(target: Target, ctx: RequestContext): boolean {
    return this.toolListing === 'all' || this.accessOf(target).allows(ctx.auth);
  }

  /** `_meta` entries stating a tool's requirements; none when the server has no auth at all. */
  describeTool(target: Target): Record<string, unknown> | undefined {
    const access = this.accessOf(target);
    if (!access.requiresAuth && this.configs.length === 0 && this.providers.names().length === 0) return undefined;
    return { [AUTH_META_KEY]: access.describe() };
  }

  isDangerous(target: Target): boolean {
    return this.manifests.some((m) => m.isDangerous(target.name));
  }

  /** Every scope the server knows of, for `scopes_supported`. */
  knownScopes(): string[] {
    const scopes = new Set<string>();
    for (const target of this.targets()) for (const s of this.accessOf(target).requiredScopes) scopes.add(s);
    for (const config of this.configs) for (const s of config.requiredScopes) scopes.add(s);
    for (const manifest of this.manifests) for (const s of manifest.scopes.keys()) scopes.add(s);
    return [...scopes];
  }

  /** The name of the provider a policy refers to (instance, class/token from DI, or name). */
  providerNameOf(ref: ProviderRef): string {
    let name = this.refNames.get(ref);
    if (name === undefined) {
      name = this.providers.resolve(ref, this.container).name;
      this.refNames.set(ref, name);
    }
    return name;
  }

  private runMiddleware(config: AuthMiddlewareConfig, ctx: RequestContext, next: () => Promise<unknown>): Promise<unknown> {
    if (config.requirement === AuthRequirement.NONE) return next();
    try {
      const binding = this.bindings.get(config);
      if (!binding) throw new StartupError('Start the server (listen() or connect()) before it serves requests');
      // Another key than the default is read from the message's params (stdio and in memory only),
      // and then only it counts.
      if (config.credentialsKey !== CREDENTIALS_KEY && ctx.transport !== 'http') ctx.credentials = credentialsAt(ctx.params, config.credentialsKey);
      const { credentials } = ctx;
      if (!ctx.auth && credentials) {
        const connection = ctx[CONNECTION_CALLER];
        const known = connection?.recall(credentials, binding);
        if (known) {
          ctx.auth = known;
          return this.decideThen(ctx, binding, next);
        }
        return binding.authenticator.authenticate(credentials, binding.providers, config.requiredScopes).then(
          (caller) => {
            connection?.remember(credentials, binding, caller);
            apply(ctx, caller);
            return this.decideThen(ctx, binding, next);
          },
          (error: unknown) => {
            // Refused before any call was decided (bad credentials on any request, a list included).
            this.decisions.denied(ctx, undefined, error);
            throw error;
          },
        );
      }
      return this.decideThen(ctx, binding, next);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private decideThen(ctx: RequestContext, binding: Binding, next: () => Promise<unknown>): Promise<unknown> {
    if (!isDecidedMethod(ctx.method)) return next();
    const pending = this.decide(ctx, binding);
    return pending ? pending.then(next) : next();
  }

  /**
   * Decides the call once: authenticates when its access needs a caller it does not have (or one
   * from another provider), then checks. `via`: the middleware deciding, whose providers are asked
   * when the access names none.
   */
  private decide(ctx: RequestContext, via: Binding | undefined): Promise<void> | undefined {
    if (ctx[POLICY_ENFORCED]) return undefined;
    const access = this.accessOf(ctx.target);
    const named = access.providerName;
    if (access.requiresAuth && ctx.credentials && (!ctx.auth || (named !== undefined && ctx.auth.provider !== named))) {
      const binding = named !== undefined ? this.bindingFor(named) : (via ?? this.bindingFor(undefined));
      return binding.authenticator.authenticate(ctx.credentials, this.candidates(binding, named), access.requiredScopes).then(
        (caller) => {
          apply(ctx, caller);
          this.check(ctx, access);
        },
        (error: unknown) => {
          this.decisions.denied(ctx, ctx.auth, error);
          throw error;
        },
      );
    }
    this.check(ctx, access);
    return undefined;
  }

  /** The one check of a call, reported once as `auth:allowed` or `auth:denied`. */
  private check(ctx: RequestContext, access: TargetAccess): void {
    try {
      access.check(ctx.auth);
    } catch (error) {
      this.decisions.denied(ctx, ctx.auth, error);
      throw error;
    }
    ctx[POLICY_ENFORCED] = true;
    this.decisions.allowed(ctx, ctx.auth);
  }

  /** The middleware that owns the named provider (its sessions, RBAC), else the first one in use, else the default. */
  private bindingFor(providerName: string | undefined): Binding {
    for (const config of this.configs) {
      const binding = this.bindings.get(config);
      if (!binding || config.requirement === AuthRequirement.NONE) continue;
      if (providerName === undefined || binding.providers.some((p) => p.name === providerName)) return binding;
    }
    return (this.defaultBinding ??= {
      providers: this.providers.all(),
      authenticator: new Authenticator({ manifest: this.manifests[0], sessions: this.diSessions() }),
    });
  }

  private candidates(binding: Binding, providerName: string | undefined): readonly AuthProvider[] {
    if (providerName === undefined) return binding.providers.length > 0 ? binding.providers : this.providers.all();
    const named = this.providers.get(providerName);
    return named ? [named] : [];
  }

  /** Resolves a middleware's providers, store and manifest (options, else DI) and builds its authenticator. */
  private bind(config: AuthMiddlewareConfig): void {
    const { options } = config;
    const given = options.providers ?? (options.provider ? [options.provider] : undefined);
    const refs = given ?? (this.container.isRegistered(AUTH_PROVIDER, true) ? [AUTH_PROVIDER as InjectionToken<AuthProvider>] : []);
    if (refs.length === 0 && config.requirement !== AuthRequirement.NONE) {
      throw new StartupError('Auth middleware has no provider: pass provider/providers or register AUTH_PROVIDER');
    }
    const providers = refs.map((ref) => {
      const provider = isAuthProvider(ref) ? ref : this.container.resolve(ref);
      if (!isAuthProvider(provider)) throw new StartupError('Auth middleware: a provider did not resolve to an AuthProvider');
      return this.providers.add(provider);
    });
    const manifest =
      options.manifest ?? (this.container.isRegistered(PERMISSION_MANIFEST, true) ? this.container.resolve<PermissionManifest>(PERMISSION_MANIFEST) : undefined);
    if (manifest) this.addManifest(manifest);
    const store =
      config.requirement === AuthRequirement.NONE
        ? undefined
        : (options.sessionStore ?? (this.container.isRegistered(SESSION_STORE, true) ? this.container.resolve<SessionStore>(SESSION_STORE) : new MemorySessionStore()));
    if (store) this.watchStore(store);
    const sessions =
      store &&
      new ProviderSessions({
        store,
        autoRefreshTokens: config.autoRefreshTokens,
        refreshBufferSeconds: options.refreshBufferSeconds,
        sessionTrustSeconds: options.sessionTrustSeconds,
        events: this.events,
        logger: this.logger,
      });
    this.bindings.set(config, { config, providers, authenticator: new Authenticator({ rbac: config.rbac, manifest: this.manifests[0], sessions }) });
  }

  private diSessions(): ProviderSessions | undefined {
    const withStore = this.configs.map((c) => this.bindings.get(c)?.authenticator.sessions).find((s) => s !== undefined);
    if (withStore) return withStore;
    if (!this.container.isRegistered(SESSION_STORE, true)) return undefined;
    const store = this.container.resolve<SessionStore>(SESSION_STORE);
    this.watchStore(store);
    return new ProviderSessions({ store, events: this.events, logger: this.logger });
  }

  /** A store in use logs through the server's logger (unless given its own) and reports its deletes. */
  private watchStore(store: SessionStore): void {
    if (this.watchedStores.has(store)) return;
    useServerLogger(store, this.userLogger);
    const stop = store.onChange?.((change) => {
      if (change.type === 'deleted') this.events.emit('session:deleted', { provider: change.provider, userId: change.userId });
    });
    this.watchedStores.set(store, stop ?? (() => undefined));
  }

  private addManifest(manifest: PermissionManifest): void {
    if (!this.manifests.includes(manifest)) this.manifests.push(manifest);
  }
}

function apply(ctx: RequestContext, caller: Caller): void {
  ctx.auth = caller.auth;
  ctx.session = caller.session;
}
