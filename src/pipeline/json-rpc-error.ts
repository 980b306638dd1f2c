/**
 * An error that becomes a JSON-RPC error response (`{ code, message, data }`) rather than an
 * `isError` tool result. The SDK sends `message` as is, so it carries no "MCP error" prefix.
 */
export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'JsonRpcError';
  }
}

export const JsonRpcErrorCode = {
  INVALID_PARAMS: -32602,
  /** MCP: resources/read of an unknown URI. */
  RESOURCE_NOT_FOUND: -32002,
} as const;
