import { accessRuleDecorator, assertNames, type ClassOrMethodDecorator } from './decorator-target';

/**
 * The caller's token must carry ALL of these scopes (as OAuth scope challenges do).
 *
 * @example
 * @Tool() @RequiresScope('admin:write') deleteUser(input: DeleteUserInput) { … }
 */
export function RequiresScope(...scopes: string[]): ClassOrMethodDecorator {
  return accessRuleDecorator('RequiresScope', { kind: 'scopes', scopes: assertNames('RequiresScope', scopes) });
}
