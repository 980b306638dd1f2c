import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/** How the server refused a request: the JSON-RPC error code and `data.error`, and over HTTP the status it came with. */
export interface Refusal {
  status?: number;
  code: number;
  reason?: string;
}

/**
 * The refusal a request through the SDK `Client` met: a JSON-RPC error (stdio, in memory, or an
 * HTTP 200), or an HTTP error status whose body is the JSON-RPC error. Fails when it succeeded.
 */
export async function refusalOf(request: Promise<unknown>): Promise<Refusal> {
  const error = await request.then(
    () => {
      throw new Error('expected a refusal, but the request succeeded');
    },
    (e: unknown) => e,
  );
  if (error instanceof StreamableHTTPError) {
    const body = JSON.parse(error.message.slice(error.message.indexOf('{'))) as { error: { code: number; data?: { error?: string } } };
    return { status: error.code, code: body.error.code, ...(body.error.data?.error && { reason: body.error.data.error }) };
  }
  if (error instanceof McpError) {
    const reason = (error.data as { error?: string } | undefined)?.error;
    return { code: error.code, ...(reason && { reason }) };
  }
  throw error;
}

/** The refusal expected on `transport`: over HTTP an auth refusal is a real 401/403. */
export function expectedRefusal(transport: string, code: -31001 | -31003, reason: string): Refusal {
  return { ...(transport === 'http' && { status: code === -31001 ? 401 : 403 }), code, reason };
}
