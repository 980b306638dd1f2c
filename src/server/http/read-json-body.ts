import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';

export class HttpBodyError extends Error {
  constructor(
    readonly status: number,
    readonly jsonRpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpBodyError';
  }
}

/** Reads and parses a JSON request body, refusing bodies over `limitBytes` (413) and bad JSON (400). */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpBodyError(415, -32700, 'Unsupported Media Type: Content-Type must be application/json');
  }
  let raw: string;
  try {
    raw = await getRawBody(req, { limit: limitBytes, encoding: 'utf8' });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new HttpBodyError(413, -32600, `Request body larger than ${limitBytes} bytes`);
    throw new HttpBodyError(400, -32700, 'Could not read the request body');
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpBodyError(400, -32700, 'Parse error: the body is not valid JSON');
  }
}
