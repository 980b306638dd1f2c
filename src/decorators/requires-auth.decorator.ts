import { accessRuleDecorator, type ClassOrMethodDecorator } from './decorator-target';
import type { ProviderRef } from '../metadata/access-policy';

/**
 * The caller must be authenticated, by `provider` when given (an instance, a class or DI token,
 * or a provider name), else by the default provider. On a class, applies to every method.
 *
 * @example
 * @Tool() @RequiresAuth(github) listRepos(_: unknown, { auth }: ToolContext) { … }
 */
export function RequiresAuth(provider?: ProviderRef): ClassOrMethodDecorator {
  return accessRuleDecorator('RequiresAuth', { kind: 'auth', provider });
}
