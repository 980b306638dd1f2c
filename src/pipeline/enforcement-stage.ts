import type { DependencyContainer } from 'tsyringe';
import { AccessDecision } from '../auth/authorize';
import type { AccessPolicy, ProviderRef } from '../metadata/access-policy';
import type { Target } from '../metadata/targets';
import type { Middleware } from './middleware';
import type { RequestContext } from './request-context';
import { POLICY_ENFORCED } from './policy-enforced';

/** What the enforcement stage needs from the server's auth setup. */
export interface AccessRuntime {
  /** The policies that apply to a target: its decorators' policy AND its manifest entry. */
  layersFor(target: Target): readonly AccessPolicy[];
  /**
   * Authenticates `ctx.credentials` (with the named provider, else by routing) and sets
   * `ctx.auth` / `ctx.session`. Throws `AuthenticationError` for bad credentials; does nothing
   * without credentials.
   */
  authenticate(ctx: RequestContext, providerName?: string): Promise<void>;
  /** The name of the provider a policy refers to (instance, class/token from DI, or name). */
  providerNameOf(ref: ProviderRef | undefined, container: DependencyContainer): string | undefined;
  /** Every provider name known, for -31001 `data.providers`. */
  providerNames(): string[];
}

/** What the stage works out once per target (policies are fixed once the server has started). */
interface CompiledTarget {
  decision: AccessDecision;
  requiresAuth: boolean;
  providerName?: string;
  providers: string[];
}

/**
 * The per-target stage compiled from decorators (and manifest entries): authenticates with the
 * provider the policy names when needed, then calls the one `authorize()`. Runs whether or not any
 * global middleware is installed.
 */
export function createEnforcementStage(runtime: AccessRuntime): Middleware {
  const compiled = new WeakMap<Target, CompiledTarget>();
  const compile = (target: Target, ctx: RequestContext): CompiledTarget => {
    const decision = new AccessDecision(runtime.layersFor(target));
    const requiresAuth = decision.requiresAuth;
    const entry: CompiledTarget = {
      decision,
      requiresAuth,
      providerName: requiresAuth ? runtime.providerNameOf(target.policy.provider, ctx.container) : undefined,
      providers: runtime.providerNames(),
    };
    compiled.set(target, entry);
    return entry;
  };

  const enforce = async (ctx: RequestContext, target: Target, entry: CompiledTarget, next: () => Promise<unknown>) => {
    const { providerName } = entry;
    if (!ctx.auth || (providerName !== undefined && ctx.auth.provider !== providerName)) {
      await runtime.authenticate(ctx, providerName);
    }
    entry.decision.check(ctx.auth, { target: target.name, providerName, providers: entry.providers });
    ctx[POLICY_ENFORCED] = true;
    return next();
  };

  // Not async: a target without auth requirements costs no extra promise.
  return (ctx, next) => {
    const target = ctx.target;
    if (!target) return next();
    const entry = compiled.get(target) ?? compile(target, ctx);
    if (entry.requiresAuth) return enforce(ctx, target, entry, next);
    ctx[POLICY_ENFORCED] = true;
    return next();
  };
}
