import { getMetadataStorage, ValidationTypes, type MetadataStorage, type ValidationArguments } from 'class-validator';
import { Transform } from 'class-transformer';
import type { DtoClass } from '../decorators/tool.decorator';

// class-transformer's metadata lives in this module-level singleton; it is not exported from the
// package root. Typed as unknown: only its (private) maps are read, defensively.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage: transformerStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: unknown };

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];

/**
 * The validated instance for `plain` (exactly what `plainToInstance` + `validate` with our options
 * would accept), or `undefined` when the full path must decide: invalid input, or any case whose
 * outcome the fast path cannot be certain of. It never throws and never builds errors.
 */
export type DtoFastPath = (plain: object) => object | undefined;

/** One IS_DEFINED / CUSTOM_VALIDATION metadata with the constraint classes that implement it. */
interface Check {
  readonly metadata: ValidationMetadata;
  readonly constraints: readonly ConstraintMetadata[];
}

/** What the executor does for one grouped property, precomputed. */
interface PropertyPlan {
  readonly name: string;
  /** Also found on the prototype chain (method, accessor, inherited field): class-transformer has skip rules for those. */
  readonly onPrototype: boolean;
  /** @ValidateNested / @ValidatePromise: anything but `undefined` is left to the full path. */
  readonly valueMustBeUndefined: boolean;
  /** CONDITIONAL_VALIDATION (@IsOptional, @ValidateIf): all are called, the property is skipped unless all hold. */
  readonly conditions: readonly ValidationMetadata[];
  /** IS_DEFINED checks, then CUSTOM_VALIDATION checks, in metadata order (as `performValidations` runs them). */
  readonly checks: readonly Check[];
}

type CheckOutcome = 'pass' | 'defer' | 'async';

const SUPPORTED_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.WHITELIST,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.PROMISE_VALIDATION,
]);

const TRANSFORMER_MAPS = ['_typeMetadatas', '_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas'] as const;

const compiled = new WeakMap<DtoClass, DtoFastPath | null>();

let readableMaps: Map<unknown, unknown>[] | null | undefined;

/**
 * class-transformer's metadata maps, if the storage read here is where its decorators write: a
 * bundler may load the package's ESM build for `import { Transform }` and this CommonJS storage
 * for the require above, two copies. A decorator applied once to a throwaway class tells. `null`
 * when the maps are not there or not the decorators' (then every DTO takes the full path).
 */
function transformerMaps(): Map<unknown, unknown>[] | null {
  if (readableMaps === undefined) {
    const fields = transformerStorage as Record<string, unknown> | null | undefined;
    const maps = TRANSFORMER_MAPS.map((field) => fields?.[field]);
    class Probe {}
    Transform(({ value }) => value)(Probe.prototype, 'probe');
    const written = fields?._transformMetadatas;
    const shared = maps.every((map) => map instanceof Map) && written instanceof Map && written.has(Probe);
    readableMaps = shared ? (maps as Map<unknown, unknown>[]) : null;
  }
  return readableMaps;
}

/**
 * The fast path for `dto`, compiled on first use (decorator metadata is complete by then) and
 * cached; `undefined` when the DTO is not eligible.
 */
export function fastPathFor(dto: DtoClass): DtoFastPath | undefined {
  let fastPath = compiled.get(dto);
  if (fastPath === undefined) {
    try {
      fastPath = compileDtoFastPath(dto) ?? null;
    } catch {
      // Metadata class-validator itself would choke on: leave every call to the full path.
      fastPath = null;
    }
    compiled.set(dto, fastPath);
  }
  return fastPath ?? undefined;
}

/**
 * Compiles the fast path for a DTO whose validation is fully synchronous and which class-transformer
 * has nothing to do for but copy properties. `undefined` when the DTO is not eligible.
 */
export function compileDtoFastPath(dto: DtoClass): DtoFastPath | undefined {
  const storage = getMetadataStorage();
  // The query ValidationExecutor.execute makes for our options (always: false, strictGroups: false,
  // no groups). Its schema argument is undefined there; '' is equivalent, metadata is keyed by class.
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false, undefined);
  // No metadata: the full path reports "unknown value" (forbidUnknownValues).
  if (metadatas.length === 0) return undefined;
  if (!metadatas.every((metadata) => SUPPORTED_TYPES.has(metadata.type))) return undefined;
  if (mayHaveTransformerMetadata(dto)) return undefined;

  // The executor's own grouping object: its iteration order and its whitelist lookups (which,
  // being a plain object, also see Object.prototype members) are reproduced by using it as is.
  const grouped = storage.groupByPropertyName(metadatas);
  const plans: PropertyPlan[] = [];
  for (const name of Object.keys(grouped)) {
    const plan = planProperty(storage, dto, name, grouped[name]);
    if (plan === undefined) return undefined;
    plans.push(plan);
  }
  const planByName = new Map(plans.map((plan) => [plan.name, plan]));

  // Set when a constraint not declared async answers with a promise: the full path awaits it, so
  // this DTO is left to the full path from then on.
  let answersAsync = false;

  const run = (plain: object): object | undefined => {
    // class-transformer treats Sets, Dates, Buffers, promises... specially; JSON gives plain objects.
    const prototype: unknown = Object.getPrototypeOf(plain);
    if (prototype !== Object.prototype && prototype !== null) return undefined;

    const instance = new dto() as Record<string, unknown>;
    // The executor looks metadata up by `object.constructor`.
    if (instance.constructor !== dto) return undefined;

    // plainToInstance: copy each own key of plain. Only scalars are certain to be copied as is.
    const source = plain as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (!isScalar(value)) return undefined;
      const plan = planByName.get(key);
      if (plan === undefined) {
        // Copied then stripped by the whitelist: nothing to do, unless the instance already knows
        // the key (own field, setter, method, `constructor`, `__proto__`...), where class-transformer
        // has special rules.
        if (key in instance) return undefined;
        continue;
      }
      // Accessors, methods, function-valued fields: class-transformer has skip rules for those.
      if (plan.onPrototype || typeof instance[key] === 'function') return undefined;
      instance[key] = value;
    }

    // ValidationExecutor.whitelist without forbidNonWhitelisted, same expression.
    for (const key of Object.keys(instance)) {
      const group = grouped[key];
      if (!group || group.length === 0) delete instance[key];
    }

    for (const plan of plans) {
      const value = instance[plan.name];
      if (plan.valueMustBeUndefined && value !== undefined) return undefined;
      if (!conditionsHold(plan.conditions, instance, value)) continue;
      for (const check of plan.checks) {
        const outcome = runCheck(check, dto, instance, value);
        if (outcome === 'pass') continue;
        if (outcome === 'async') answersAsync = true;
        return undefined;
      }
    }
    return instance;
  };

  return (plain) => {
    if (answersAsync) return undefined;
    try {
      return run(plain);
    } catch {
      // A throwing constructor or validator: the full path calls it again and reports what it does.
      return undefined;
    }
  };
}

function planProperty(storage: MetadataStorage, dto: DtoClass, name: string, group: ValidationMetadata[]): PropertyPlan | undefined {
  const checkFor = (metadata: ValidationMetadata): Check => ({
    metadata,
    constraints: [...storage.getTargetValidatorConstraints(metadata.constraintCls)],
  });
  const checks = [
    ...group.filter((metadata) => metadata.type === ValidationTypes.IS_DEFINED).map(checkFor),
    ...group.filter((metadata) => metadata.type === ValidationTypes.CUSTOM_VALIDATION).map(checkFor),
  ];
  // Declared async: validate() awaits it; not something a synchronous fast path can answer.
  if (checks.some((check) => check.constraints.some((constraint) => constraint.async === true))) return undefined;
  return {
    name,
    onPrototype: name in dto.prototype,
    valueMustBeUndefined: group.some(
      (metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION || metadata.type === ValidationTypes.PROMISE_VALIDATION,
    ),
    conditions: group.filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION),
    checks,
  };
}

/** ValidationExecutor.conditionalValidations: every condition is called, then and-ed from `true`. */
function conditionsHold(conditions: readonly ValidationMetadata[], instance: object, value: unknown): unknown {
  let holds: unknown = true;
  for (const condition of conditions) {
    const result: unknown = condition.constraints[0](instance, value);
    holds = holds && result;
  }
  return holds;
}

/** ValidationExecutor.customValidations for one metadata, without building errors. */
function runCheck(check: Check, dto: DtoClass, instance: object, value: unknown): CheckOutcome {
  const { metadata } = check;
  if (metadata.validateIf && !metadata.validateIf(instance, value)) return 'pass';
  for (const constraint of check.constraints) {
    // `each` validates items; collections never come from the fast path's own copying, but a
    // constructor default can be one.
    if (metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) return 'defer';
    const validationArguments: ValidationArguments = {
      targetName: dto.name, // `instance.constructor.name`: the constructor was checked to be `dto`
      property: metadata.propertyName,
      object: instance,
      value,
      constraints: metadata.constraints,
    };
    // `.instance` on every call, as class-validator does, so a container set with useContainer() is honoured.
    const result: unknown = constraint.instance.validate(value, validationArguments);
    if (isPromise(result)) {
      // Abandoned here (the full path calls the validator again and awaits its own promise): keep
      // a rejection from surfacing as an unhandled one.
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
      return 'async';
    }
    if (!result) return 'defer';
  }
  return 'pass';
}

/** class-validator's isPromise. */
function isPromise(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** Values class-transformer copies unchanged when no @Type / implicit conversion applies. */
function isScalar(value: unknown): boolean {
  if (value === null) return true;
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}

/**
 * True unless class-transformer certainly has no metadata for the class or its ancestors. Its
 * public lookups take a property name, and a @Type/@Transform on a property without validators
 * still runs (user code) in the full path, so the whole hierarchy is checked in its maps. If they
 * are not where class-transformer 0.5 keeps them, assume the worst.
 */
function mayHaveTransformerMetadata(dto: DtoClass): boolean {
  const maps = transformerMaps();
  if (!maps) return true;
  // The ancestor walk of class-transformer's MetadataStorage.getAncestors, including the class itself.
  for (let target: unknown = dto; typeof target === 'function' && target.prototype !== undefined; target = Object.getPrototypeOf(target)) {
    if (maps.some((map) => map.has(target))) return true;
  }
  return false;
}
