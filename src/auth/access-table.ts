import { OPEN_POLICY, type AccessPolicy, type ProviderRef } from '../metadata/access-policy';
import type { Target } from '../metadata/targets';
import type { PermissionManifest } from './manifest';
import { TargetAccess } from './target-access';

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
