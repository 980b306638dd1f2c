import type { CompleteRequest, CompleteResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuthContext } from '../auth/auth-context';
import type { PromptTarget, ResourceTarget } from '../metadata/targets';
import { JsonRpcError, JsonRpcErrorCode } from '../pipeline/json-rpc-error';

/** Most values one completion result carries (MCP's limit); the rest are counted in `total`. */
const MAX_COMPLETION_VALUES = 100;

/**
 * Answers `completion/complete` for the prompt or resource its `ref` names, with that target's
 * completer for the argument (no completer: no values). Runs only once the call was decided.
 */
export async function completeArgument(
  target: PromptTarget | ResourceTarget | undefined,
  params: CompleteRequest['params'],
  auth: AuthContext | undefined,
): Promise<CompleteResult> {
  if (!target) throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Unknown ${describeRef(params.ref)}`);
  const { name, value } = params.argument;
  const completer = target.completers.get(name);
  if (!completer) return { completion: { values: [], total: 0, hasMore: false } };
  const values: unknown = await completer(value, { arguments: { ...params.context?.arguments }, auth });
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
    throw new Error(`The completer of "${name}" of ${target.source} must return an array of strings`);
  }
  return {
    completion: { values: values.slice(0, MAX_COMPLETION_VALUES), total: values.length, hasMore: values.length > MAX_COMPLETION_VALUES },
  };
}

function describeRef(ref: CompleteRequest['params']['ref']): string {
  return ref.type === 'ref/prompt' ? `prompt: ${ref.name}` : `resource: ${ref.uri}`;
}
