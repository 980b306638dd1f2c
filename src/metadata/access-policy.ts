import type { InjectionToken } from 'tsyringe';
import type { AuthProvider } from '../auth/provider';

/**
 * Which provider must have authenticated the caller: an instance, a class or DI token resolved from
 * the container, or a provider name. `undefined` means the default provider.
 */
export type ProviderRef = AuthProvider | InjectionToken<AuthProvider> | string;

/** One decorator's (or wrapper's) contribution to a policy, as written to metadata. */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'auth'; provider?: ProviderRef }
  | { kind: 'scopes'; scopes: string[] }
  | { kind: 'roles'; anyOf: string[] }
  | { kind: 'permissions'; anyOf: string[] };

/**
 * Who may call a target. Compiled by the scanner from decorators, functional wrappers and manifest
 * entries; decided by `authorize()`. Parts combine with AND: every scope, and one role of each role
 * set, and one permission of each permission set.
 */
export interface AccessPolicy {
  /** `@Public()`: exempt from a global REQUIRED middleware (but not from its own rules). */
  readonly public: boolean;
  /** Authentication needed: `@RequiresAuth` or any scope/role/permission rule implies it. */
  readonly requiresAuth: boolean;
  /** The provider that must have authenticated the caller; the method's overrides the class's. */
  readonly provider?: ProviderRef;
  /** ALL of these scopes. */
  readonly scopes: readonly string[];
  /** For each set, ANY one of its roles. */
  readonly roleSets: readonly (readonly string[])[];
  /** For each set, ANY one of its permissions (wildcards in the granted permissions). */
  readonly permissionSets: readonly (readonly string[])[];
  /** Where the policy came from; a failed `manifest` rule is a `ManifestViolationError`. */
  readonly origin?: 'manifest';
}

export const OPEN_POLICY: AccessPolicy = Object.freeze({
  public: false,
  requiresAuth: false,
  scopes: Object.freeze([]) as readonly string[],
  roleSets: Object.freeze([]) as readonly string[][],
  permissionSets: Object.freeze([]) as readonly string[][],
});

/** Folds rules (class rules first, then method rules) into a policy. */
export function policyFromRules(rules: readonly AccessRule[]): AccessPolicy {
  let policy: AccessPolicy = OPEN_POLICY;
  for (const rule of rules) policy = combinePolicies(policy, ruleToPolicy(rule));
  return policy;
}

function ruleToPolicy(rule: AccessRule): AccessPolicy {
  switch (rule.kind) {
    case 'public':
      return { ...OPEN_POLICY, public: true };
    case 'auth':
      return { ...OPEN_POLICY, requiresAuth: true, provider: rule.provider };
    case 'scopes':
      return { ...OPEN_POLICY, requiresAuth: true, scopes: rule.scopes };
    case 'roles':
      return { ...OPEN_POLICY, requiresAuth: true, roleSets: [rule.anyOf] };
    case 'permissions':
      return { ...OPEN_POLICY, requiresAuth: true, permissionSets: [rule.anyOf] };
  }
}

/** AND of two policies. A later provider reference overrides an earlier one. */
export function combinePolicies(a: AccessPolicy, b: AccessPolicy): AccessPolicy {
  if (b === OPEN_POLICY) return a;
  if (a === OPEN_POLICY) return b;
  return {
    public: a.public || b.public,
    requiresAuth: a.requiresAuth || b.requiresAuth,
    provider: b.provider ?? a.provider,
    scopes: unique([...a.scopes, ...b.scopes]),
    roleSets: [...a.roleSets, ...b.roleSets],
    permissionSets: [...a.permissionSets, ...b.permissionSets],
  };
}

/** Every role or permission named anywhere in the policy (for error data and listings). */
export function flatten(sets: readonly (readonly string[])[]): string[] {
  return unique(sets.flat());
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
