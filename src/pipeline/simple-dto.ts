import * as classValidator from 'class-validator';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { DtoClass } from '../decorators/tool.decorator';
import { hasTransformerMetadata } from '../metadata/transformer-metadata';

/** class-validator's own constraint names: each built-in decorator's name is exported (IS_STRING = 'isString'). */
const BUILT_IN_CONSTRAINTS = new Set(
  Object.entries(classValidator)
    .filter(([key, value]) => typeof value === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key))
    .map(([, value]) => value as string),
);

/** Metadata kinds that `validateSync` handles exactly as `validate` does. */
const SIMPLE_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.WHITELIST,
]);

const decided = new WeakMap<DtoClass, ReadonlySet<string> | null>();

/**
 * For a simple DTO, the properties its arguments may be copied into as is; `null` for any other.
 * Simple: class-validator's built-in constraints only, none async, nothing nested, and no
 * class-transformer metadata. Decided on first use, when every decorator has run.
 */
export function simpleDtoProperties(dto: DtoClass): ReadonlySet<string> | null {
  let properties = decided.get(dto);
  if (properties === undefined) {
    properties = decide(dto);
    decided.set(dto, properties);
  }
  return properties;
}

function decide(dto: DtoClass): ReadonlySet<string> | null {
  try {
    const storage = getMetadataStorage();
    // What validate() reads for our options (no groups): every metadata of the class and its parents.
    const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false);
    for (const metadata of metadatas) {
      if (!SIMPLE_TYPES.has(metadata.type)) return null;
      if (metadata.type === ValidationTypes.CUSTOM_VALIDATION || metadata.type === ValidationTypes.IS_DEFINED) {
        // A user-defined constraint may answer with a promise without declaring `async`, which
        // validateSync would ignore (accept): those DTOs take the awaited path.
        if (metadata.name === undefined || !BUILT_IN_CONSTRAINTS.has(metadata.name)) return null;
        if (storage.getTargetValidatorConstraints(metadata.constraintCls).some((constraint) => constraint.async)) return null;
      }
    }
    const names = new Set(metadatas.map((metadata) => metadata.propertyName));
    if (hasTransformerMetadata(dto, names)) return null;
    // A name on the prototype chain (accessor, method, `constructor`, `__proto__`) is never copied as is.
    return new Set([...names].filter((name) => !(name in dto.prototype)));
  } catch {
    return null;
  }
}

/**
 * A new `dto` with the arguments copied in, when that is what `plainToInstance` would build: a
 * plain object whose keys are all in `properties` (so never an own `__proto__`), with scalar or
 * array-of-scalar values. `undefined` otherwise.
 */
export function copyIntoDto(dto: DtoClass, properties: ReadonlySet<string>, args: object): object | undefined {
  const prototype: unknown = Object.getPrototypeOf(args);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const source = args as Record<string, unknown>;
  const keys = Object.keys(source);
  for (const key of keys) {
    if (!properties.has(key) || !isCopiedAsIs(source[key])) return undefined;
  }
  const instance = new dto() as Record<string, unknown>;
  for (const key of keys) instance[key] = source[key];
  return instance;
}

/** Values class-transformer copies unchanged (it rebuilds objects and drops some of their keys). */
function isCopiedAsIs(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && isDenseCopiedAsIs(value);
    default:
      return false;
  }
}

function isDenseCopiedAsIs(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) {
    // A hole: class-transformer's forEach skips it and the copy gets shorter.
    if (!(i in items) || !isCopiedAsIs(items[i])) return false;
  }
  return true;
}
