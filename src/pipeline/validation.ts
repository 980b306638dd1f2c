import type { InputSpec } from '../metadata/targets';
import { JsonRpcError, JsonRpcErrorCode } from './json-rpc-error';

export type { Violation } from './dto-validation';

let dtoValidation: typeof import('./dto-validation') | undefined;

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
  // class-validator and class-transformer load with the first DTO validated, not with `nextmcp`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  dtoValidation ??= require('./dto-validation') as typeof import('./dto-validation');
  return dtoValidation.validateDto(input.dto, plain, targetName);
}
