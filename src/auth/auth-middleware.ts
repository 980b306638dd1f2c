import { AuthRequirement } from '../protocol/auth-requirement';
import type { MiddlewareObject } from '../pipeline/middleware';
import type { RequestContext } from '../pipeline/request-context';
import { StartupError } from '../startup-error';
import type { RBAC } from './rbac';
import type { AuthMiddlewareConfig, AuthMiddlewareHost, AuthMiddlewareOptions } from './auth-middleware-options';

export type { AuthMiddlewareOptions, ProviderOption } from './auth-middleware-options';

/** Where credentials travel inside a message by default: `params._meta.auth`. */
const DEFAULT_CREDENTIALS_KEY = 'auth';

/**
 * Global auth enforcement: authenticates the credentials of every request and, with REQUIRED,
 * refuses every request but `initialize`, `ping` and the listings (calls, completions,
 * subscriptions, `logging/setLevel`; `@Public()` targets excepted) from unauthenticated callers or
 * callers without `requiredScopes`. Its decision is the same
 * `authorize()` the decorators use, with the target's own policy and manifest entry ANDed in.
 * The object is configuration: `mcp.use()` installs it into the server's auth setup, which runs it.
 *
 * @example
 * mcp.use(new AuthEnforcementMiddleware({ provider: google, manifest }));
 */
export class AuthEnforcementMiddleware implements MiddlewareObject, AuthMiddlewareConfig {
  /** `options.requirement`, default REQUIRED. */
  readonly requirement: AuthRequirement;
  /** `options.requiredScopes`, default none. */
  readonly requiredScopes: readonly string[];
  /** `options.autoRefreshTokens`, default true. */
  readonly autoRefreshTokens: boolean;
  /** `options.credentialsKey`, default `'auth'`. */
  readonly credentialsKey: string;
  /** `options.rbac`. */
  readonly rbac?: RBAC;
  private installed?: (ctx: RequestContext, next: () => Promise<unknown>) => Promise<unknown>;

  constructor(
    /** The options as given. */
    readonly options: AuthMiddlewareOptions = {},
  ) {
    this.requirement = options.requirement ?? AuthRequirement.REQUIRED;
    if (!Object.values(AuthRequirement).includes(this.requirement)) {
      throw new TypeError(`requirement must be one of ${Object.values(AuthRequirement).join(', ')}`);
    }
    this.requiredScopes = Object.freeze([...(options.requiredScopes ?? [])]);
    this.autoRefreshTokens = options.autoRefreshTokens ?? true;
    this.credentialsKey = options.credentialsKey ?? DEFAULT_CREDENTIALS_KEY;
    this.rbac = options.rbac;
  }

  /** @internal Called by `mcp.use()`. */
  onInstall(server: { auth: AuthMiddlewareHost }): void {
    if (this.installed) throw new StartupError('This auth middleware is already installed on a server');
    this.installed = server.auth.install(this);
  }

  /** Runs the installed middleware for one request. */
  handle(ctx: RequestContext, next: () => Promise<unknown>): Promise<unknown> {
    if (!this.installed) return Promise.reject(new StartupError('Install the auth middleware with mcp.use() before serving requests'));
    return this.installed(ctx, next);
  }
}

/** The seed's factory: `mcp.use(createAuthMiddleware({ provider, requirement, … }))`. */
export function createAuthMiddleware(options: AuthMiddlewareOptions = {}): AuthEnforcementMiddleware {
  return new AuthEnforcementMiddleware(options);
}
