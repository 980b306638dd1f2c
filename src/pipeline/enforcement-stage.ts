import type { DependencyContainer } from 'tsyringe';
import { authorize } from '../auth/authorize';
import type { AccessPolicy, ProviderRef } from '../metadata/access-policy';
import type { Target } from '../metadata/targets';
import type { Middleware } from './middleware';
import type { RequestContext } from './request-context';

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

/** Marks a request whose target policy was enforced, so the handler's context says so. */
export const POLICY_ENFORCED = Symbol('nextmcp:policy-enforced');

/**
 * The per-target stage compiled from decorators (and manifest entries): authenticates with the
 * provider the policy names when needed, then calls the one `authorize()`. Runs whether or not any
 * global middleware is installed.
 */
export function createEnforcementStage(runtime: AccessRuntime): Middleware {
  return async (ctx, next) => {
    const target = ctx.target;
    if (!target) return next();
    const layers = runtime.layersFor(target);
    if (layers.some((p) => p.requiresAuth)) {
      const providerName = runtime.providerNameOf(target.policy.provider, ctx.container);
      if (!ctx.auth || (providerName !== undefined && ctx.auth.provider !== providerName)) {
        await runtime.authenticate(ctx, providerName);
      }
      authorize(layers, ctx.auth, { target: target.name, providerName, providers: runtime.providerNames() });
    }
    ctx.state[POLICY_ENFORCED] = true;
    return next();
  };
}
