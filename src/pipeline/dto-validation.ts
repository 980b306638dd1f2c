import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { copyIntoDto, simpleDtoProperties } from './simple-dto';
import { JsonRpcError, JsonRpcErrorCode } from './json-rpc-error';
import type { DtoClass } from '../decorators/tool.decorator';

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
 * A DTO's arguments, validated and transformed: class-transformer and class-validator (unknown
 * properties stripped, values never echoed back), each validator once. Returns the instance, or a
 * promise of it when a validator may be async; throws -32602 naming every violation.
 */
export function validateDto(dto: DtoClass, plain: object, targetName: string): unknown {
  const properties = simpleDtoProperties(dto);
  const copy = properties && copyIntoDto(dto, properties, plain);
  if (copy) return checked(copy, validateSync(copy, VALIDATOR_OPTIONS), targetName);
  const instance = plainToInstance(dto, plain) as object;
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
