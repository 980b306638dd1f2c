import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcError } from '../pipeline/json-rpc-error';
import type { ConnectedClient } from './connected-client';

/**
 * Errors that must reach the client as JSON-RPC errors, not as `isError` results. A URL
 * elicitation requirement is recognised by its code too, as the SDK's `UrlElicitationRequiredError`
 * may come from another copy of the SDK (its ESM build) than the one `instanceof` would check.
 */
export function isProtocolError(error: unknown): boolean {
  return error instanceof JsonRpcError || error instanceof McpError || isUrlElicitationRequired(error);
}

function isUrlElicitationRequired(error: unknown): error is { data?: { elicitations?: unknown } } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === ErrorCode.UrlElicitationRequired;
}

/** Remembers the URL elicitations a thrown `UrlElicitationRequiredError` sends the client. */
export function noteUrlElicitations(error: unknown, client: ConnectedClient): void {
  if (!isUrlElicitationRequired(error)) return;
  const elicitations = error.data?.elicitations;
  if (!Array.isArray(elicitations)) return;
  for (const elicitation of elicitations) {
    const id = (elicitation as { elicitationId?: unknown } | null)?.elicitationId;
    if (typeof id === 'string') client.elicitationSent(id);
  }
}
