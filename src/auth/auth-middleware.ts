import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { AuthRequirement } from '../protocol/auth-requirement';
import { OPEN_POLICY, type AccessPolicy } from '../metadata/access-policy';
import type { MiddlewareObject } from '../pipeline/middleware';
import type { RequestContext } from '../pipeline/request-context';
import { extractCredentials, CREDENTIALS_KEY } from '../pipeline/credentials';
import { AUTH_PROVIDER, PERMISSION_MANIFEST, SESSION_STORE } from '../di/tokens';
import type { SessionStore } from '../session/session-store';
import { MemorySessionStore } from '../session/memory-store';
import type { AuthProvider } from './provider';
import { isAuthProvider } from './provider-registry';
import type { PermissionManifest } from './manifest';
import type { RBAC } from './rbac';
import type { AuthRuntime } from './auth-runtime';
import { AccessDecision } from './authorize';
import type { Target } from '../metadata/targets';
import { StartupError } from '../server/startup-error';

/** Methods whose target is enforced; everything else (initialize, ping, lists) passes on stdio. */
export const ENFORCED_METHODS: ReadonlySet<string> = new Set(['tools/call', 'resources/read', 'prompts/get']);

export type ProviderOption = AuthProvider | InjectionToken<AuthProvider>;

export interface AuthMiddlewareOptions {
  /** The provider; omitted → `AUTH_PROVIDER` from the DI container. */
  provider?: ProviderOption;
  /** Several providers: tokens are routed by `provider` hint, JWT issuer, else first success. */
  providers?: ProviderOption[];
  /** REQUIRED (default), OPTIONAL (authenticate when credentials are sent) or NONE. */
  requirement?: AuthRequirement;
  /** Where provider sessions live; omitted → `SESSION_STORE` from DI, else in memory. */
  sessionStore?: SessionStore;
  /** Per-tool requirements; omitted → `PERMISSION_MANIFEST` from DI, if registered. */
  manifest?: PermissionManifest;
  /** Scopes every enforced call needs (ALL of them), with REQUIRED. */
  requiredScopes?: string[];
  /** Refresh provider tokens that are about to expire (default true). */
  autoRefreshTokens?: boolean;
  /** How long before expiry a provider token is refreshed; default 300 s. */
  refreshBufferSeconds?: number;
  /** How long a session vouches for its token before the provider is asked again; default 300 s. */
  sessionTrustSeconds?: number;
  /** Where in `params._meta` (and the top-level member) credentials are read; default `auth`. */
  credentialsKey?: string;
  /** Expands roles into permissions on the caller's context. */
  rbac?: RBAC;
}

/**
 * Global auth enforcement: authenticates the credentials of every request and, with REQUIRED,
 * refuses `tools/call`, `resources/read` and `prompts/get` (except `@Public()` targets) from
 * unauthenticated callers or callers without `requiredScopes`. Its decision is the same
 * `authorize()` the decorators use, with the target's own policy and manifest entry ANDed in.
 *
 * @example
 * mcp.use(new AuthEnforcementMiddleware({ provider: google, manifest }));
 */
export class AuthEnforcementMiddleware implements MiddlewareObject {
  readonly requirement: AuthRequirement;
  readonly requiredScopes: readonly string[];
  readonly autoRefreshTokens: boolean;
  readonly credentialsKey: string;
  readonly rbac?: RBAC;
  /** The policy this middleware adds to every non-public enforced target. */
  readonly policy: AccessPolicy;

  private runtime?: AuthRuntime;
  private providers?: AuthProvider[];
  private manifest?: PermissionManifest;
  private sessionStore?: SessionStore;
  /** This middleware's policy AND each target's own layers, worked out on the target's first call. */
  private readonly decisions = new WeakMap<Target, AccessDecision>();
  private untargetedDecision?: AccessDecision;
  private providerNames?: string[];

  constructor(readonly options: AuthMiddlewareOptions = {}) {
    this.requirement = options.requirement ?? AuthRequirement.REQUIRED;
    if (!Object.values(AuthRequirement).includes(this.requirement)) {
      throw new TypeError(`requirement must be one of ${Object.values(AuthRequirement).join(', ')}`);
    }
    this.requiredScopes = [...(options.requiredScopes ?? [])];
    this.autoRefreshTokens = options.autoRefreshTokens ?? true;
    this.credentialsKey = options.credentialsKey ?? CREDENTIALS_KEY;
    this.rbac = options.rbac;
    this.manifest = options.manifest;
    this.policy =
      this.requirement === AuthRequirement.REQUIRED
        ? { ...OPEN_POLICY, requiresAuth: true, scopes: this.requiredScopes }
        : OPEN_POLICY;
  }

  /** Called by `mcp.use()`. */
  onInstall(server: { auth: AuthRuntime }): void {
    if (this.runtime) throw new StartupError('This auth middleware is already installed on a server');
    this.runtime = server.auth;
    this.runtime.install(this);
  }

  /** Resolves providers and manifest from the container where they were not given (at start-up). */
  resolve(container: DependencyContainer): void {
    if (!this.providers) {
      const given = this.options.providers ?? (this.options.provider ? [this.options.provider] : undefined);
      const refs = given ?? (container.isRegistered(AUTH_PROVIDER, true) ? [AUTH_PROVIDER as InjectionToken<AuthProvider>] : []);
      if (refs.length === 0 && this.requirement !== AuthRequirement.NONE) {
        throw new StartupError('Auth middleware has no provider: pass provider/providers or register AUTH_PROVIDER');
      }
      this.providers = refs.map((ref) => {
        const provider = isAuthProvider(ref) ? ref : container.resolve(ref);
        if (!isAuthProvider(provider)) throw new StartupError('Auth middleware: a provider did not resolve to an AuthProvider');
        return provider;
      });
    }
    if (!this.sessionStore && this.requirement !== AuthRequirement.NONE) {
      this.sessionStore =
        this.options.sessionStore ??
        (container.isRegistered(SESSION_STORE, true) ? container.resolve<SessionStore>(SESSION_STORE) : new MemorySessionStore());
    }
    if (!this.manifest && container.isRegistered(PERMISSION_MANIFEST, true)) {
      this.manifest = container.resolve<PermissionManifest>(PERMISSION_MANIFEST);
    }
  }

  /** The providers this middleware authenticates with (after `resolve`). */
  get resolvedProviders(): readonly AuthProvider[] {
    return this.providers ?? [];
  }

  get resolvedSessionStore(): SessionStore | undefined {
    return this.sessionStore;
  }

  get resolvedManifest(): PermissionManifest | undefined {
    return this.manifest;
  }

  handle(ctx: RequestContext, next: () => Promise<unknown>): Promise<unknown> {
    try {
      if (this.requirement === AuthRequirement.NONE) return next();
      const runtime = this.requireRuntime();
      const credentials =
        this.credentialsKey === CREDENTIALS_KEY ? ctx.credentials : extractCredentials(ctx.params, ctx.headers, this.credentialsKey);
      if (!ctx.auth && credentials) {
        ctx.credentials = credentials;
        // Most calls are settled by a session held in this process; only the others wait.
        if (!runtime.authenticateNowWith(ctx, this)) return this.authenticateThenEnforce(ctx, runtime, next);
      }
      this.enforce(ctx, runtime);
      return next();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async authenticateThenEnforce(ctx: RequestContext, runtime: AuthRuntime, next: () => Promise<unknown>): Promise<unknown> {
    await runtime.authenticateWith(ctx, this);
    this.enforce(ctx, runtime);
    return next();
  }

  /** With REQUIRED, refuses enforced methods on non-public targets unless the caller is allowed. */
  private enforce(ctx: RequestContext, runtime: AuthRuntime): void {
    if (ENFORCED_METHODS.has(ctx.method) && this.requirement === AuthRequirement.REQUIRED && !ctx.target?.policy.public) {
      this.providerNames ??= this.resolvedProviders.map((p) => p.name);
      this.decisionFor(ctx.target, runtime).check(ctx.auth, { target: ctx.target?.name ?? null, providers: this.providerNames });
    }
  }

  private decisionFor(target: Target | undefined, runtime: AuthRuntime): AccessDecision {
    if (!target) return (this.untargetedDecision ??= new AccessDecision([this.policy]));
    let decision = this.decisions.get(target);
    if (!decision) {
      decision = new AccessDecision([this.policy, ...runtime.layersFor(target)]);
      this.decisions.set(target, decision);
    }
    return decision;
  }

  private requireRuntime(): AuthRuntime {
    if (!this.runtime) throw new StartupError('Install the auth middleware with mcp.use() before serving requests');
    return this.runtime;
  }
}

/** The seed's factory: `mcp.use(createAuthMiddleware({ provider, requirement, … }))`. */
export function createAuthMiddleware(options: AuthMiddlewareOptions = {}): AuthEnforcementMiddleware {
  return new AuthEnforcementMiddleware(options);
}
