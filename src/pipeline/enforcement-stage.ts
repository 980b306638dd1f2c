import type { Middleware } from './middleware';
import type { RequestContext } from './request-context';

/** What the target stage needs from the server's auth setup. */
export interface AccessEnforcer {
  /**
   * Decides the call's access once (authenticating first when its target needs a caller it does
   * not have) and marks the context decided; does nothing for a call already decided. Throws the
   * refusal. Returns `undefined` when nothing had to wait.
   */
  enforce(ctx: RequestContext): Promise<void> | undefined;
}

/**
 * The stage compiled from decorators (and manifest entries), last before the handler: a target's
 * access is enforced whether or not any global middleware is installed.
 */
export function createEnforcementStage(enforcer: AccessEnforcer): Middleware {
  // Not async: a call that needs no waiting costs no extra promise.
  return (ctx, next) => {
    if (!ctx.target) return next();
    let pending: Promise<void> | undefined;
    try {
      pending = enforcer.enforce(ctx);
    } catch (error) {
      return Promise.reject(error);
    }
    return pending ? pending.then(next) : next();
  };
}
