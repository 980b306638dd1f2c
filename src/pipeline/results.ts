import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A tool's return value as a `CallToolResult`: passed through when it is one, a string becomes
 * text content, anything else JSON text (plus `structuredContent` when it is an object).
 */
export function toCallToolResult(value: unknown): CallToolResult {
  if (value === undefined || value === null) return { content: [] };
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (isPlainObject(value) && Array.isArray(value.content)) return value as CallToolResult;
  const text = JSON.stringify(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    return { content: [{ type: 'text', text }], structuredContent: JSON.parse(text) as Record<string, unknown> };
  }
  return { content: [{ type: 'text', text }] };
}

/** An error a handler threw, as the `isError` result the model can read. */
export function toErrorResult(error: unknown): CallToolResult {
  const message = error instanceof Error ? error.message : String(error);
  return { content: [{ type: 'text', text: message }], isError: true };
}

export function toReadResourceResult(value: unknown, uri: string, mimeType?: string): ReadResourceResult {
  if (isPlainObject(value) && Array.isArray(value.contents)) return value as ReadResourceResult;
  if (typeof value === 'string') return { contents: [{ uri, mimeType: mimeType ?? 'text/plain', text: value }] };
  if (value instanceof Uint8Array) {
    return { contents: [{ uri, mimeType: mimeType ?? 'application/octet-stream', blob: Buffer.from(value).toString('base64') }] };
  }
  return { contents: [{ uri, mimeType: mimeType ?? 'application/json', text: JSON.stringify(value ?? null) }] };
}

export function toGetPromptResult(value: unknown, description?: string): GetPromptResult {
  if (isPlainObject(value) && Array.isArray(value.messages)) return value as GetPromptResult;
  if (typeof value === 'string') {
    return { description, messages: [{ role: 'user', content: { type: 'text', text: value } }] };
  }
  if (Array.isArray(value)) return { description, messages: value as GetPromptResult['messages'] };
  throw new TypeError('a prompt must return a GetPromptResult, a string or an array of messages');
}
