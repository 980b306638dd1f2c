import type { DependencyContainer } from 'tsyringe';
import type { AccessPolicy, ProviderRef } from '../metadata/access-policy';
import type { Target, ToolTarget } from '../metadata/targets';
import type { AccessRuntime } from '../pipeline/enforcement-stage';
import type { RequestContext } from '../pipeline/request-context';
import type { ListingPolicy } from '../server/protocol-handlers';
import type { TargetRegistry } from '../server/target-registry';
import { StartupError } from '../server/startup-error';
import { AUTH_PROVIDER, PERMISSION_MANIFEST, SESSION_STORE } from '../di/tokens';
import { SessionAuthenticator } from './session-authenticator';
import type { SessionStore } from '../session/session-store';
import { AuthRequirement } from '../protocol/auth-requirement';
import type { AuthEnforcementMiddleware } from './auth-middleware';
import { CallerAuthenticator, type AuthenticatedCaller } from './caller-authenticator';
import { isAuthorized } from './authorize';
import type { PermissionManifest } from './manifest';
import type { AuthProvider, Credentials } from './provider';
import { ProviderRegistry } from './provider-registry';
import { flatten } from '../metadata/access-policy';

export type ToolListing = 'all' | 'authorized';

/** `_meta` key under which `tools/list` states each tool's requirements. */
export const AUTH_META_KEY = 'nextmcp/auth';

/**
 * A server's auth setup: its providers, installed auth middleware, manifests, and the decisions
 * that need them (the enforcement stage, listings, the HTTP pre-check). One per `NextMCP`.
 */
export class AuthRuntime implements AccessRuntime, ListingPolicy {
  readonly providers = new ProviderRegistry();
  readonly middlewares: AuthEnforcementMiddleware[] = [];
  private readonly manifests: PermissionManifest[] = [];
  private readonly layerCache = new WeakMap<Target, readonly AccessPolicy[]>();
  private readonly effectiveCache = new WeakMap<Target, readonly AccessPolicy[]>();
  private readonly refNames = new Map<unknown, string>();
  private readonly authenticators = new WeakMap<object, CallerAuthenticator>();
  /** Stores the authenticators used (including one from DI), closed by `mcp.close()`. */
  private readonly usedStores = new Set<SessionStore>();
  private started = false;

  constructor(
    readonly container: DependencyContainer,
    private readonly registry: TargetRegistry,
    readonly toolListing: ToolListing = 'all',
  ) {}

  install(middleware: AuthEnforcementMiddleware): void {
    this.middlewares.push(middleware);
    if (this.started) this.adopt(middleware);
  }

  /** Start-up: resolves providers and manifests from DI and checks the whole configuration. */
  start(): void {
    if (this.started) return;
    if (this.container.isRegistered(AUTH_PROVIDER, true)) {
      this.providers.add(this.container.resolve<AuthProvider>(AUTH_PROVIDER));
    }
    if (this.container.isRegistered(PERMISSION_MANIFEST, true)) {
      this.addManifest(this.container.resolve<PermissionManifest>(PERMISSION_MANIFEST));
    }
    for (const middleware of this.middlewares) this.adopt(middleware);
    const toolNames = new Set(this.registry.tools.keys());
    for (const manifest of this.manifests) manifest.assertTools(toolNames);
    for (const target of this.registry.all()) {
      if (target.policy.provider !== undefined) this.providerNameOf(target.policy.provider, this.container);
      if (this.layersFor(target).some((p) => p.requiresAuth) && this.providers.names().length === 0) {
        throw new StartupError(`${target.source} requires authentication but no auth provider is configured`);
      }
    }
    this.started = true;
  }

  private adopt(middleware: AuthEnforcementMiddleware): void {
    middleware.resolve(this.container);
    for (const provider of middleware.resolvedProviders) this.providers.add(provider);
    const manifest = middleware.resolvedManifest;
    if (manifest) this.addManifest(manifest);
  }

  private addManifest(manifest: PermissionManifest): void {
    if (!this.manifests.includes(manifest)) this.manifests.push(manifest);
  }

  /** The manifests in force (from middleware options and DI). */
  get permissionManifests(): readonly PermissionManifest[] {
    return this.manifests;
  }

  /** A target's own policy AND its manifest entries. */
  layersFor(target: Target): readonly AccessPolicy[] {
    let layers = this.layerCache.get(target);
    if (!layers) {
      const manifestLayers =
        target.kind === 'tool' ? this.manifests.map((m) => m.policyFor(target.name)).filter((p): p is AccessPolicy => !!p) : [];
      layers = [target.policy, ...manifestLayers];
      if (this.started) this.layerCache.set(target, layers);
    }
    return layers;
  }

  /** Everything a call to `target` must satisfy: REQUIRED middleware (unless public) AND its layers. */
  effectiveLayers(target: Target): readonly AccessPolicy[] {
    let layers = this.effectiveCache.get(target);
    if (!layers) {
      const fromMiddleware = target.policy.public
        ? []
        : this.middlewares.filter((m) => m.requirement === AuthRequirement.REQUIRED).map((m) => m.policy);
      layers = [...fromMiddleware, ...this.layersFor(target)];
      if (this.started) this.effectiveCache.set(target, layers);
    }
    return layers;
  }

  /** The REQUIRED middleware, if any: it gates every HTTP request. */
  get requiredMiddleware(): AuthEnforcementMiddleware | undefined {
    return this.middlewares.find((m) => m.requirement === AuthRequirement.REQUIRED);
  }

  providerNames(): string[] {
    return this.providers.names();
  }

  providerNameOf(ref: ProviderRef | undefined, container: DependencyContainer): string | undefined {
    if (ref === undefined) return undefined;
    let name = this.refNames.get(ref);
    if (name === undefined) {
      name = this.providers.resolve(ref, container).name;
      this.refNames.set(ref, name);
    }
    return name;
  }

  /** `authenticateWith` when it settles without waiting (see `CallerAuthenticator.authenticateNow`); false if not. */
  authenticateNowWith(ctx: RequestContext, middleware: AuthEnforcementMiddleware): boolean {
    const caller =
      ctx.credentials && this.authenticatorFor(middleware).authenticateNow(ctx.credentials, middleware.resolvedProviders, ctx.authMemo);
    if (!caller) return false;
    applyCaller(ctx, caller);
    return true;
  }

  /** For the middleware: authenticate with its providers, and set `ctx.auth`. */
  async authenticateWith(ctx: RequestContext, middleware: AuthEnforcementMiddleware): Promise<void> {
    const caller = await this.authenticatorFor(middleware).authenticate(ctx.credentials, middleware.resolvedProviders, middleware.requiredScopes);
    applyCaller(ctx, caller);
  }

  /** For the enforcement stage: authenticate with the named provider (or any known one). */
  async authenticate(ctx: RequestContext, providerName?: string): Promise<void> {
    if (!ctx.credentials) return;
    applyCaller(ctx, await this.authenticateCredentials(ctx.credentials, providerName));
  }

  /** Credentials → caller, through the middleware that owns the provider (its sessions, RBAC). */
  authenticateCredentials(credentials: Credentials, providerName?: string): Promise<AuthenticatedCaller> {
    const owner = this.middlewares.find(
      (m) => m.requirement !== AuthRequirement.NONE && (providerName === undefined || m.resolvedProviders.some((p) => p.name === providerName)),
    );
    const named = providerName === undefined ? undefined : this.providers.get(providerName);
    const candidates = providerName !== undefined ? (named ? [named] : []) : (owner?.resolvedProviders ?? this.providers.all());
    return this.authenticatorFor(owner ?? this).authenticate(credentials, candidates);
  }

  private authenticatorFor(owner: AuthEnforcementMiddleware | this): CallerAuthenticator {
    let authenticator = this.authenticators.get(owner);
    if (!authenticator) {
      const middleware = owner === this ? this.middlewares.find((m) => m.resolvedSessionStore) : (owner as AuthEnforcementMiddleware);
      const sessionStore = middleware?.resolvedSessionStore ?? this.diSessionStore();
      if (sessionStore) this.usedStores.add(sessionStore);
      const options = { rbac: middleware?.rbac, manifest: this.manifests[0] };
      authenticator = sessionStore
        ? new SessionAuthenticator({
            ...options,
            sessionStore,
            autoRefreshTokens: middleware?.autoRefreshTokens,
            refreshBufferSeconds: middleware?.options.refreshBufferSeconds,
            sessionTrustSeconds: middleware?.options.sessionTrustSeconds,
          })
        : new CallerAuthenticator(options);
      this.authenticators.set(owner, authenticator);
    }
    return authenticator;
  }

  private diSessionStore(): SessionStore | undefined {
    return this.container.isRegistered(SESSION_STORE, true) ? this.container.resolve<SessionStore>(SESSION_STORE) : undefined;
  }

  /** The session stores in use, so `mcp.close()` can close them (a given store even if never started). */
  sessionStores(): SessionStore[] {
    const stores = this.middlewares.map((m) => m.resolvedSessionStore ?? m.options.sessionStore).filter((s): s is SessionStore => !!s);
    return [...new Set([...stores, ...this.usedStores])];
  }

  // ListingPolicy

  isListed(target: Target, ctx: RequestContext): boolean {
    if (this.toolListing === 'all') return true;
    const providerName = this.providerNameOf(target.policy.provider, ctx.container);
    return isAuthorized(this.effectiveLayers(target), ctx.auth, { providerName });
  }

  describeTool(target: ToolTarget): Record<string, unknown> | undefined {
    const layers = this.effectiveLayers(target);
    const required = layers.some((p) => p.requiresAuth);
    if (!required && this.middlewares.length === 0 && this.providers.names().length === 0) return undefined;
    const provider = this.providerNameOf(target.policy.provider, this.container);
    return {
      [AUTH_META_KEY]: {
        required,
        ...(provider !== undefined && { provider }),
        scopes: [...new Set(layers.flatMap((p) => p.scopes))],
        roles: flatten(layers.flatMap((p) => p.roleSets)),
        permissions: flatten(layers.flatMap((p) => p.permissionSets)),
        ...(target.policy.public && { public: true }),
      },
    };
  }

  isDangerous(target: ToolTarget): boolean {
    return this.manifests.some((m) => m.isDangerous(target.name));
  }

  /** Every scope the server knows of, for `scopes_supported`. */
  knownScopes(): string[] {
    const scopes = new Set<string>();
    for (const target of this.registry.all()) for (const layer of this.effectiveLayers(target)) for (const s of layer.scopes) scopes.add(s);
    for (const manifest of this.manifests) for (const s of manifest.scopes.keys()) scopes.add(s);
    return [...scopes];
  }
}

function applyCaller(ctx: RequestContext, caller: AuthenticatedCaller): void {
  ctx.auth = caller.auth;
  ctx.sessionFrom(caller);
}
