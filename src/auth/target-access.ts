import type { AuthContext } from './auth-context';
import { authorize, isAuthorized } from './authorize';
import { flatten, type AccessPolicy } from '../metadata/access-policy';
import type { Target } from '../metadata/targets';

/** `_meta` key under which `tools/list` states each tool's requirements. */
export const AUTH_META_KEY = 'nextmcp/auth';

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
    /** `undefined` for a call to no known target (e.g. an unknown tool name). */
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
