import { accessRuleDecorator, assertNames, type ClassOrMethodDecorator } from './decorator-target';

/**
 * The caller must hold ANY ONE of these permissions; granted wildcards count
 * (`files:*` grants `files:read`, `*` grants everything).
 *
 * @example
 * @Tool() @RequiresPermission('files:read') readFile(input: ReadFileInput) { … }
 */
export function RequiresPermission(...permissions: string[]): ClassOrMethodDecorator {
  return accessRuleDecorator('RequiresPermission', {
    kind: 'permissions',
    anyOf: assertNames('RequiresPermission', permissions),
  });
}
