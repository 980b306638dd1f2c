import type { AuthContext } from './auth-context';
import { AuthenticationError, AuthorizationError, ManifestViolationError, ScopeInsufficientError } from './errors';
import { flatten, type AccessPolicy } from '../metadata/access-policy';

export interface AuthorizeOptions {
  /** The tool (or resource/prompt) name, reported in `data.tool`. */
  target?: string | null;
  /** Name of the provider that must have authenticated the caller, when the policy names one. */
  providerName?: string;
  /** Provider names listed in -31001 `data.providers`. */
  providers?: readonly string[];
}

/**
 * THE access decision. Every path that decides whether a caller may use a target (decorators,
 * functional wrappers, manifest entries, the global middleware, the HTTP gate, filtered listings)
 * ends here, with the policies that apply; they combine with AND.
 *
 * Throws `AuthenticationError` (-31001) when the caller must (re-)authenticate,
 * `ScopeInsufficientError` (-31003, naming the full scope set and the missing ones),
 * `ManifestViolationError` or `AuthorizationError` (-31003) otherwise. Returns when allowed.
 *
 * @example
 * authorize([middlewarePolicy, target.policy], ctx.auth, { target: 'delete_user' });
 */
export function authorize(policies: AccessPolicy | readonly AccessPolicy[], auth: AuthContext | undefined, options: AuthorizeOptions = {}): void {
  const layers: readonly AccessPolicy[] = Array.isArray(policies) ? policies : [policies as AccessPolicy];
  if (!layers.some((p) => p.requiresAuth)) return;
  if (!auth) {
    throw new AuthenticationError('Authentication required', {
      providers: options.providerName ? [options.providerName] : [...(options.providers ?? [])],
      requiredScopes: requiredScopes(layers),
    });
  }
  if (options.providerName && auth.provider !== options.providerName) {
    throw new AuthenticationError(`Authentication with provider "${options.providerName}" required`, {
      providers: [options.providerName],
      requiredScopes: requiredScopes(layers),
    });
  }
  for (const layer of layers) {
    for (const scope of layer.scopes) {
      if (auth.hasScope(scope)) continue;
      const missingScopes = requiredScopes(layers).filter((s) => !auth.hasScope(s));
      throw new ScopeInsufficientError(`Insufficient scope: missing ${missingScopes.join(', ')}`, { ...refusalDetails(layers, options), missingScopes });
    }
  }
  for (const layer of layers) {
    const Refusal = layer.origin === 'manifest' ? ManifestViolationError : AuthorizationError;
    for (const anyOf of layer.roleSets) {
      if (!anyOf.some((r) => auth.hasRole(r))) throw new Refusal(`Forbidden: requires one of the roles ${anyOf.join(', ')}`, refusalDetails(layers, options));
    }
    for (const anyOf of layer.permissionSets) {
      if (!anyOf.some((p) => auth.hasPermission(p))) {
        throw new Refusal(`Forbidden: requires one of the permissions ${anyOf.join(', ')}`, refusalDetails(layers, options));
      }
    }
  }
}

function requiredScopes(layers: readonly AccessPolicy[]): string[] {
  return [...new Set(layers.flatMap((p) => p.scopes))];
}

/** What a -31003 refusal reports. */
function refusalDetails(layers: readonly AccessPolicy[], options: AuthorizeOptions) {
  return {
    tool: options.target ?? null,
    requiredScopes: requiredScopes(layers),
    requiredRoles: flatten(layers.flatMap((p) => p.roleSets)),
    requiredPermissions: flatten(layers.flatMap((p) => p.permissionSets)),
  };
}

/** `authorize()` as a boolean, for listings. */
export function isAuthorized(policies: AccessPolicy | readonly AccessPolicy[], auth: AuthContext | undefined, options: AuthorizeOptions = {}): boolean {
  try {
    authorize(policies, auth, options);
    return true;
  } catch {
    return false;
  }
}
