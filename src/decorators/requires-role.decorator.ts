import { accessRuleDecorator, assertNames, type ClassOrMethodDecorator } from './decorator-target';

/**
 * The caller must have ANY ONE of these roles. Stacked `@RequiresRole`s (or a class-level one)
 * must each be satisfied.
 *
 * @example
 * @Tool() @RequiresRole('admin', 'owner') deleteUser(input: DeleteUserInput) { … }
 */
export function RequiresRole(...roles: string[]): ClassOrMethodDecorator {
  return accessRuleDecorator('RequiresRole', { kind: 'roles', anyOf: assertNames('RequiresRole', roles) });
}
