import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { jsonNestsDeeperThan } from './json-depth';

/** A body the endpoint refuses before the SDK sees it: a 4xx with a JSON-RPC error. */
export class HttpBodyError extends Error {
  constructor(
    readonly status: number,
    readonly jsonRpcCode: number,
    message: string,
    /** True when part of the body may still be on the socket, so the connection cannot serve another request. */
    readonly bodyUnread = false,
  ) {
    super(message);
    this.name = 'HttpBodyError';
  }
}

/** Limits on a request body. */
export interface JsonBodyLimits {
  maxBytes: number;
  maxDepth: number;
}

/**
 * Reads and parses a JSON request body: over `maxBytes` is 413, bad JSON 400 `-32700`, nesting
 * deeper than `maxDepth` 400 `-32600` (checked before anything walks the parsed value).
 */
export async function readJsonBody(req: IncomingMessage, limits: JsonBodyLimits): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    // Unread, but Node drains an unconsumed body itself once the response ends.
    throw new HttpBodyError(415, -32700, 'Unsupported Media Type: Content-Type must be application/json');
  }
  let raw: string;
  try {
    raw = await getRawBody(req, { limit: limits.maxBytes, encoding: 'utf8' });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new HttpBodyError(413, -32600, `Request body larger than ${limits.maxBytes} bytes`, true);
    throw new HttpBodyError(400, -32700, 'Could not read the request body', true);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpBodyError(400, -32700, 'Parse error: the body is not valid JSON');
  }
  if (jsonNestsDeeperThan(raw, limits.maxDepth)) {
    throw new HttpBodyError(400, -32600, `Invalid Request: JSON nested deeper than ${limits.maxDepth} levels`);
  }
  return body;
}
