import type { AuthContext } from './auth-context';
import { authorize, isAuthorized } from './authorize';
import { flatten, OPEN_POLICY, type AccessPolicy, type ProviderRef } from '../metadata/access-policy';
import type { Target } from '../metadata/targets';
import type { PermissionManifest } from './manifest';

/**
 * Everything a call to one target must satisfy, worked out once when the server starts (and again
 * whenever targets or middleware change): the REQUIRED middleware's policy (unless the target is
 * `@Public()`) AND the target's decorators AND its manifest entries, the provider it must come
 * from, and the scopes it needs. The HTTP gate, the pipeline, listings and `authMetadata()` all
 * read this one object; `check()` is `authorize()` with it.
 */
export class TargetAccess {
  readonly requiresAuth: boolean;
  /** Every scope a call needs (ALL of them). */
  readonly requiredScopes: readonly string[];

  constructor(
    /** `undefined` for a call to no known target (e.g. an unknown tool name), or a request naming none (`logging/setLevel`). */
    readonly target: Target | undefined,
    readonly policies: readonly AccessPolicy[],
    /** The provider that must have authenticated the caller, when a policy names one. */
    readonly providerName: string | undefined,
    /** Every configured provider's name, for -31001 `data.providers`. */
    readonly providers: readonly string[],
  ) {
    this.requiresAuth = policies.some((p) => p.requiresAuth);
    this.requiredScopes = [...new Set(policies.flatMap((p) => p.scopes))];
  }

  /** Throws the refusal for `auth`, or returns when it may call the target. */
  check(auth: AuthContext | undefined): void {
    if (!this.requiresAuth) return;
    authorize(this.policies, auth, { target: this.target?.name ?? null, providerName: this.providerName, providers: this.providers });
  }

  allows(auth: AuthContext | undefined): boolean {
    return !this.requiresAuth || isAuthorized(this.policies, auth, { providerName: this.providerName });
  }

  /** What `tools/list` says about the requirements, under `_meta["nextmcp/auth"]`. */
  describe(): Record<string, unknown> {
    return {
      required: this.requiresAuth,
      ...(this.providerName !== undefined && { provider: this.providerName }),
      scopes: [...this.requiredScopes],
      roles: flatten(this.policies.flatMap((p) => p.roleSets)),
      permissions: flatten(this.policies.flatMap((p) => p.permissionSets)),
      ...(this.target?.policy.public && { public: true }),
    };
  }
}

/** What compiling the access of every target needs from the server's auth setup. */
export interface AccessInputs {
  targets: Iterable<Target>;
  /** The required scopes of each REQUIRED auth middleware (each is one policy ANDed in). */
  requiredMiddlewareScopes: readonly (readonly string[])[];
  manifests: readonly PermissionManifest[];
  /** The name of the provider a policy's reference means (instance, DI class/token, or name). */
  providerNameOf(ref: ProviderRef): string;
  /** Every configured provider's name. */
  providers: readonly string[];
}

/**
 * The compiled access of every target, and of a call naming no known target. Built at start-up and
 * rebuilt whenever targets or middleware change; a call only looks its target up.
 */
export class AccessTable {
  private readonly byTarget = new Map<Target, TargetAccess>();
  private readonly untargeted: TargetAccess;
  private readonly middlewarePolicies: readonly AccessPolicy[];

  constructor(private readonly inputs: AccessInputs) {
    this.middlewarePolicies = inputs.requiredMiddlewareScopes.map((scopes) => ({ ...OPEN_POLICY, requiresAuth: true, scopes }));
    this.untargeted = new TargetAccess(undefined, this.middlewarePolicies, undefined, inputs.providers);
    for (const target of inputs.targets) this.byTarget.set(target, this.compile(target));
  }

  /** The access of `target` (`undefined`: a call naming no known target). */
  for(target: Target | undefined): TargetAccess {
    if (!target) return this.untargeted;
    let access = this.byTarget.get(target);
    // A target added since the table was built is compiled here rather than ever going unchecked.
    if (!access) this.byTarget.set(target, (access = this.compile(target)));
    return access;
  }

  all(): IterableIterator<TargetAccess> {
    return this.byTarget.values();
  }

  private compile(target: Target): TargetAccess {
    const { manifests, providers, providerNameOf } = this.inputs;
    const manifestPolicies = target.kind === 'tool' ? manifests.map((m) => m.policyFor(target.name)).filter((p): p is AccessPolicy => !!p) : [];
    const policies = [...(target.policy.public ? [] : this.middlewarePolicies), target.policy, ...manifestPolicies];
    const ref = target.policy.provider;
    return new TargetAccess(target, policies, ref === undefined ? undefined : providerNameOf(ref), providers);
  }
}
