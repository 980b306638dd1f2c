import { accessRuleDecorator, type ClassOrMethodDecorator } from './decorator-target';

/**
 * Exempts a target from a global REQUIRED auth middleware. Its own `@RequiresScope` etc. still apply.
 *
 * @example
 * @Tool() @Public() health() { return 'ok'; }
 */
export function Public(): ClassOrMethodDecorator {
  return accessRuleDecorator('Public', { kind: 'public' });
}
