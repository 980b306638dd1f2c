import 'reflect-metadata';
import type { ValidationError } from 'class-validator';
import { JsonRpcError, JsonRpcErrorCode } from './json-rpc-error';
import type { InputSpec } from '../metadata/targets';

interface DtoValidation {
  fastPathFor: typeof import('./dto-fast-path').fastPathFor;
  validate: typeof import('class-validator').validate;
  plainToInstance: typeof import('class-transformer').plainToInstance;
}

let dtoValidation: DtoValidation | undefined;

/** class-validator and class-transformer load with the first DTO validated, not with `nextmcp`. */
function forDtos(): DtoValidation {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return (dtoValidation ??= {
    fastPathFor: (require('./dto-fast-path') as typeof import('./dto-fast-path')).fastPathFor,
    validate: (require('class-validator') as typeof import('class-validator')).validate,
    plainToInstance: (require('class-transformer') as typeof import('class-transformer')).plainToInstance,
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export interface Violation {
  property: string;
  constraints: Record<string, string>;
}

/**
 * The handler's arguments when they are settled without waiting: raw input, or DTO input the
 * compiled fast path accepts (the same instance the full path would give). `undefined` means
 * call `validateArguments`, which also reports every invalid input.
 */
export function argumentsNow(input: InputSpec, args: unknown): unknown {
  if (input.kind === 'raw') return args ?? {};
  const plain = args ?? {};
  if (typeof plain !== 'object' || Array.isArray(plain)) return undefined;
  return forDtos().fastPathFor(input.dto)?.(plain);
}

/**
 * Validates and transforms arguments for a target. DTO input goes through class-transformer and
 * class-validator (unknown properties are stripped, values are never echoed back); raw input
 * reaches the handler as sent. Invalid arguments are a JSON-RPC -32602 naming every violation.
 */
export async function validateArguments(input: InputSpec, args: unknown, targetName: string): Promise<unknown> {
  // Same instance, without class-transformer and the async executor, when that is certain;
  // anything else (including every invalid input) takes the full path, the only producer of errors.
  return argumentsNow(input, args) ?? validateFully(input, args, targetName);
}

/** `validateArguments` without the fast path: for arguments `argumentsNow` left undecided. */
export async function validateFully(input: InputSpec, args: unknown, targetName: string): Promise<unknown> {
  if (input.kind === 'raw') return args ?? {};
  const plain = args ?? {};
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Invalid arguments for "${targetName}": expected an object`);
  }
  const { plainToInstance, validate } = forDtos();
  const instance = plainToInstance(input.dto, plain) as object;
  const errors = await validate(instance, {
    whitelist: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const violations = flattenErrors(errors);
    const detail = violations
      .map((v) => `${v.property}: ${Object.entries(v.constraints).map(([name, message]) => `${message} (${name})`).join('; ')}`)
      .join('; ');
    throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Invalid arguments for "${targetName}": ${detail}`, { violations });
  }
  return instance;
}

function flattenErrors(errors: ValidationError[], prefix = ''): Violation[] {
  return errors.flatMap((error) => {
    const property = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ property, constraints: error.constraints }] : [];
    return [...own, ...flattenErrors(error.children ?? [], property)];
  });
}
