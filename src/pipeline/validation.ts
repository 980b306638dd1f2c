import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { copyIntoDto, simpleDtoProperties } from './simple-dto';
import { JsonRpcError, JsonRpcErrorCode } from './json-rpc-error';
import type { InputSpec } from '../metadata/targets';

export interface Violation {
  property: string;
  constraints: Record<string, string>;
}

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/**
 * Validates and transforms arguments for a target. DTO input goes through class-transformer and
 * class-validator (unknown properties are stripped, values are never echoed back); raw input
 * reaches the handler as sent. Invalid arguments are a JSON-RPC -32602 naming every violation.
 * Each validator runs once per call. Returns the arguments, or a promise of them when a validator
 * may be async: `await` it (it throws without waiting when it can decide without waiting).
 *
 * @example
 * const input = await validateArguments({ kind: 'dto', dto: CreateTicketInput }, request.params.arguments, 'createTicket');
 */
export function validateArguments(input: InputSpec, args: unknown, targetName: string): unknown {
  if (input.kind === 'raw') return args ?? {};
  const plain = args ?? {};
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Invalid arguments for "${targetName}": expected an object`);
  }
  const properties = simpleDtoProperties(input.dto);
  const copy = properties && copyIntoDto(input.dto, properties, plain);
  if (copy) return checked(copy, validateSync(copy, VALIDATOR_OPTIONS), targetName);
  const instance = plainToInstance(input.dto, plain) as object;
  return validate(instance, VALIDATOR_OPTIONS).then((errors) => checked(instance, errors, targetName));
}

function checked(instance: object, errors: ValidationError[], targetName: string): object {
  if (errors.length === 0) return instance;
  const violations = flattenErrors(errors);
  const detail = violations
    .map((v) => `${v.property}: ${Object.entries(v.constraints).map(([name, message]) => `${message} (${name})`).join('; ')}`)
    .join('; ');
  throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Invalid arguments for "${targetName}": ${detail}`, { violations });
}

function flattenErrors(errors: ValidationError[], prefix = ''): Violation[] {
  return errors.flatMap((error) => {
    const property = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ property, constraints: error.constraints }] : [];
    return [...own, ...flattenErrors(error.children ?? [], property)];
  });
}
