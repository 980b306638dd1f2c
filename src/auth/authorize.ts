import { AuthContext } from './auth-context';
import { AuthenticationError, AuthorizationError, ManifestViolationError, ScopeInsufficientError } from './errors';
import { flatten, type AccessPolicy } from '../metadata/access-policy';

export interface AuthorizeOptions {
  /** The tool (or resource/prompt) name, reported in `data.tool`. */
  target?: string | null;
  /** Name of the provider that must have authenticated the caller, when the policy names one. */
  providerName?: string;
  /** Provider names listed in -31001 `data.providers`. */
  providers?: string[];
}

/**
 * THE access decision. Every path that decides whether a caller may use a target (decorators,
 * functional wrappers, manifest entries, the global middleware, the HTTP pre-check, filtered
 * listings) calls this with the policies that apply; they combine with AND.
 *
 * Throws `AuthenticationError` (-31001) when the caller must (re-)authenticate,
 * `ScopeInsufficientError` (-31003, naming the full scope set and the missing ones),
 * `ManifestViolationError` or `AuthorizationError` (-31003) otherwise. Returns when allowed.
 */
export function authorize(
  policies: AccessPolicy | readonly AccessPolicy[],
  auth: AuthContext | undefined,
  options: AuthorizeOptions = {},
): void {
  new AccessDecision(policies).check(auth, options);
}

/**
 * `authorize()` for one fixed set of policies, worked out once: per-call paths keep one per
 * target so a call only checks the caller.
 *
 * @example
 * const decision = new AccessDecision([middlewarePolicy, target.policy]);
 * decision.check(ctx.auth, { target: target.name });
 */
export class AccessDecision {
  readonly layers: readonly AccessPolicy[];
  readonly requiresAuth: boolean;
  readonly requiredScopes: readonly string[];
  /**
   * The caller last allowed, and the provider it was required to come from. An AuthContext cannot
   * change and neither can these policies, so the same caller is allowed again without checking:
   * a connection's calls share one AuthContext per session revision or verified token.
   */
  private allowed: AuthContext | undefined;
  private allowedProviderName: string | undefined;

  constructor(policies: AccessPolicy | readonly AccessPolicy[]) {
    this.layers = Array.isArray(policies) ? [...(policies as readonly AccessPolicy[])] : [policies as AccessPolicy];
    this.requiresAuth = this.layers.some((p) => p.requiresAuth);
    this.requiredScopes = [...new Set(this.layers.flatMap((p) => p.scopes))];
  }

  check(auth: AuthContext | undefined, options: AuthorizeOptions = {}): void {
    if (!this.requiresAuth) return;
    if (auth !== undefined && auth === this.allowed && options.providerName === this.allowedProviderName) return;
    const { layers } = this;
    if (!auth) {
      throw new AuthenticationError('Authentication required', {
        providers: options.providerName ? [options.providerName] : (options.providers ?? []),
        requiredScopes: [...this.requiredScopes],
      });
    }
    if (options.providerName && auth.provider !== options.providerName) {
      throw new AuthenticationError(`Authentication with provider "${options.providerName}" required`, {
        providers: [options.providerName],
        requiredScopes: [...this.requiredScopes],
      });
    }

    // What a refusal reports; built only when refusing.
    const details = () => ({
      tool: options.target ?? null,
      requiredScopes: [...this.requiredScopes],
      requiredRoles: flatten(layers.flatMap((p) => p.roleSets)),
      requiredPermissions: flatten(layers.flatMap((p) => p.permissionSets)),
    });

    for (const scope of this.requiredScopes) {
      if (auth.hasScope(scope)) continue;
      const missingScopes = this.requiredScopes.filter((s) => !auth.hasScope(s));
      throw new ScopeInsufficientError(`Insufficient scope: missing ${missingScopes.join(', ')}`, {
        ...details(),
        missingScopes,
      });
    }

    for (const layer of layers) {
      const Refusal = layer.origin === 'manifest' ? ManifestViolationError : AuthorizationError;
      for (const anyOf of layer.roleSets) {
        if (!anyOf.some((r) => auth.hasRole(r))) {
          throw new Refusal(`Forbidden: requires one of the roles ${anyOf.join(', ')}`, details());
        }
      }
      for (const anyOf of layer.permissionSets) {
        if (!anyOf.some((p) => auth.hasPermission(p))) {
          throw new Refusal(`Forbidden: requires one of the permissions ${anyOf.join(', ')}`, details());
        }
      }
    }
    // Only a context built by AuthContext itself is known to be immutable (not a subclass or look-alike).
    if (Object.getPrototypeOf(auth) === AuthContext.prototype) {
      this.allowed = auth;
      this.allowedProviderName = options.providerName;
    }
  }
}

/** `authorize()` as a boolean, for listings. */
export function isAuthorized(
  policies: AccessPolicy | readonly AccessPolicy[],
  auth: AuthContext | undefined,
  options: AuthorizeOptions = {},
): boolean {
  try {
    authorize(policies, auth, options);
    return true;
  } catch {
    return false;
  }
}
