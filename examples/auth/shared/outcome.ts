import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** What a call came to, as a user of the example sees it. */
export type Outcome =
  | { ok: true; result: unknown }
  | {
      ok: false;
      /** The HTTP status of a refusal over HTTP (401, 403, …); absent on stdio and in memory. */
      status?: number;
      /** The JSON-RPC error code (-31001, -31003, …). */
      code: number;
      /** `data.error` of the refusal (`insufficient_scope`, `invalid_token`, …). */
      reason?: string;
      message: string;
    };

/**
 * Calls a tool and reports the outcome instead of throwing: the result (structured content when the
 * tool returned an object, else its text), or the refusal's code and reason. Over HTTP a refusal is
 * an HTTP status whose body is the same JSON-RPC error stdio would carry.
 */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Outcome> {
  try {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) return { ok: false, code: 0, message: textOf(result.content) };
    return { ok: true, result: result.structuredContent ?? textOf(result.content) };
  } catch (error) {
    return refusalOf(error);
  }
}

/** The refusal a client got, from the SDK's error (JSON-RPC error, or an HTTP status with the JSON-RPC body). */
export function refusalOf(error: unknown): Outcome & { ok: false } {
  if (error instanceof McpError) {
    const data = error.data as { error?: string } | undefined;
    return { ok: false, code: error.code, reason: data?.error, message: error.message };
  }
  if (error instanceof StreamableHTTPError) {
    const body = /\{.*\}$/s.exec(error.message)?.[0];
    try {
      const parsed = JSON.parse(body ?? '') as { error?: { code: number; message: string; data?: { error?: string } } };
      if (parsed.error) return { ok: false, status: error.code, code: parsed.error.code, reason: parsed.error.data?.error, message: parsed.error.message };
    } catch {
      // Not a JSON-RPC body: report the status alone.
    }
    return { ok: false, status: error.code, code: 0, message: error.message };
  }
  throw error;
}

/** One line describing an outcome, for the example's output. */
export function describeOutcome(outcome: Outcome): string {
  if (outcome.ok) return `allowed → ${typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result)}`;
  const status = outcome.status === undefined ? '' : `HTTP ${outcome.status}, `;
  return `refused (${status}${outcome.code}${outcome.reason ? ` ${outcome.reason}` : ''}): ${outcome.message}`;
}

function textOf(content: unknown): string {
  const parts = Array.isArray(content) ? content : [];
  return parts.map((part: { type?: string; text?: string }) => (part.type === 'text' ? part.text : '')).join('');
}
