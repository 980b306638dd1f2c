import type { ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/** Writes a JSON-RPC error as an HTTP response (used for refusals decided before the transport). */
export function writeJsonRpcError(
  res: ServerResponse,
  status: number,
  error: { code: number; message: string; data?: unknown },
  options: { id?: RequestId | null; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ jsonrpc: '2.0', id: options.id ?? null, error });
  res.writeHead(status, { 'content-type': 'application/json', ...options.headers });
  res.end(body);
}

/** The id of a single JSON-RPC request body, so a refusal can answer it. */
export function singleRequestId(body: unknown): RequestId | null {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const id = (body as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}
