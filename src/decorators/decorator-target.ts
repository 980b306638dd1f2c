import 'reflect-metadata';
import { ACCESS_METADATA } from './metadata-keys';
import { StartupError } from '../startup-error';
import type { AccessRule } from '../metadata/access-policy';

/** What a legacy decorator receives, for decorators that work on classes and methods. */
export type ClassOrMethodDecorator = (
  target: object,
  propertyKey?: string | symbol,
  descriptor?: PropertyDescriptor,
) => void;

function describe(target: object, key: string | symbol): string {
  const owner = typeof target === 'function' ? target.name : target.constructor?.name;
  return `${owner ?? '<anonymous>'}.${String(key)}`;
}

/** Refuses use on properties and accessors: these decorators only make sense on methods. */
export function assertMethod(
  decorator: string,
  target: object,
  propertyKey: string | symbol | undefined,
  descriptor: PropertyDescriptor | undefined,
): asserts propertyKey is string | symbol {
  assertLegacyDecorator(decorator, propertyKey);
  if (propertyKey === undefined) {
    throw new StartupError(`@${decorator}() decorates methods, not classes`);
  }
  if (!descriptor || typeof descriptor.value !== 'function') {
    throw new StartupError(`@${decorator}() decorates methods; ${describe(target, propertyKey)} is not a method`);
  }
}

/**
 * TC39 decorators (TypeScript 5 without `experimentalDecorators`, esbuild/tsx without it in the
 * tsconfig) call a decorator with `(value, context)`; ours read legacy `(target, key, descriptor)`.
 */
function assertLegacyDecorator(decorator: string, propertyKey: unknown): void {
  if (typeof propertyKey === 'object' && propertyKey !== null && 'kind' in propertyKey) {
    throw new StartupError(
      `@${decorator}() is a TypeScript legacy decorator: set "experimentalDecorators": true and ` +
        '"emitDecoratorMetadata": true in tsconfig.json (see "Set-up" in the nextmcp README)',
    );
  }
}

/** Builds a decorator that records an access rule on a class or a method. */
export function accessRuleDecorator(decorator: string, rule: AccessRule): ClassOrMethodDecorator {
  return (target, propertyKey, descriptor) => {
    assertLegacyDecorator(decorator, propertyKey);
    if (propertyKey === undefined) {
      if (typeof target !== 'function') throw new StartupError(`@${decorator}() must decorate a class or a method`);
      appendRule(target, undefined, rule);
      return;
    }
    assertMethod(decorator, target, propertyKey, descriptor);
    appendRule(target, propertyKey, rule);
  };
}

function appendRule(target: object, propertyKey: string | symbol | undefined, rule: AccessRule): void {
  // Own metadata only: a subclass adds to its own list instead of mutating the parent's.
  const existing: AccessRule[] =
    (propertyKey === undefined
      ? Reflect.getOwnMetadata(ACCESS_METADATA, target)
      : Reflect.getOwnMetadata(ACCESS_METADATA, target, propertyKey)) ?? [];
  // Decorators run bottom-up; prepend so rules read in source order.
  const rules = [rule, ...existing];
  if (propertyKey === undefined) Reflect.defineMetadata(ACCESS_METADATA, rules, target);
  else Reflect.defineMetadata(ACCESS_METADATA, rules, target, propertyKey);
}

export function assertNames(decorator: string, names: unknown[]): string[] {
  if (names.length === 0) throw new TypeError(`@${decorator}() needs at least one name`);
  for (const name of names) {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new TypeError(`@${decorator}() takes non-empty strings, got ${JSON.stringify(name)}`);
    }
  }
  return names as string[];
}
