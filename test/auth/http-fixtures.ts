import 'reflect-metadata';
import {
  AuthRequirement,
  NextMCP,
  PermissionManifest,
  Public,
  RequiresRole,
  RequiresScope,
  Tool,
  createAuthMiddleware,
  type AuthMiddlewareOptions,
  type HttpServerOptions,
  type ToolContext,
} from '../../src';

/** Scopes the fixture server asks for: one from each place a requirement can be written. */
export const SCOPES = {
  /** `createAuthMiddleware({ requiredScopes })`: every enforced call. */
  middleware: 'mcp:access',
  /** `@RequiresScope` on `write_note`. */
  decorator: 'notes:write',
  /** The manifest entry of `write_note`. */
  manifest: 'audit:log',
} as const;

/** Everything a `write_note` call needs, in the order the layers combine (middleware, decorator, manifest). */
export const WRITE_NOTE_SCOPES = [SCOPES.middleware, SCOPES.decorator, SCOPES.manifest];

/** The tools every HTTP authorization test serves. */
export class NotesTools {
  @Tool()
  whoami(_args: unknown, { auth }: ToolContext) {
    return { user: auth?.userId ?? null, provider: auth?.provider ?? null, scopes: auth ? [...auth.scopes].sort() : [] };
  }

  @Tool({ name: 'write_note' })
  @RequiresScope(SCOPES.decorator)
  writeNote() {
    return 'written';
  }

  @Tool()
  @RequiresRole('admin', 'owner')
  purge() {
    return 'purged';
  }

  @Tool()
  @Public()
  health() {
    return 'ok';
  }
}

export interface ProtectedServer {
  mcp: NextMCP;
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: URL;
  /** `http://127.0.0.1:<port>/.well-known/oauth-protected-resource/mcp`. */
  metadataUrl: string;
  close(): Promise<void>;
}

/**
 * A REQUIRED server on 127.0.0.1 serving `NotesTools`: middleware `requiredScopes` plus a manifest
 * entry for `write_note`, so a call's scope set comes from all three places.
 */
export async function startProtectedServer(
  auth: AuthMiddlewareOptions,
  listen: Omit<HttpServerOptions, 'host' | 'port'> = {},
): Promise<ProtectedServer> {
  const mcp = new NextMCP({ name: 'notes', version: '1' });
  mcp.register(NotesTools);
  const manifest = new PermissionManifest().defineToolPermission('write_note', { scopes: [SCOPES.manifest] });
  mcp.use(createAuthMiddleware({ requirement: AuthRequirement.REQUIRED, requiredScopes: [SCOPES.middleware], manifest, ...auth }));
  const listener = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, path: '/mcp', ...listen });
  const url = listener.url!;
  return { mcp, url, metadataUrl: `${url.origin}/.well-known/oauth-protected-resource/mcp`, close: () => mcp.close() };
}

/** What a raw HTTP exchange returned, with the body as text so tests can search it for secrets. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON-RPC message in the body (plain JSON or the first SSE `data:` line). */
  json: JsonRpcReply;
}

export interface JsonRpcReply {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

/** POSTs a JSON-RPC body the way an MCP client does. Repeated header names are sent as given. */
export async function postRpc(url: URL | string, body: unknown, headers: [string, string][] | Record<string, string> = {}): Promise<RawResponse> {
  const sent = new Headers(Array.isArray(headers) ? headers : Object.entries(headers));
  sent.set('content-type', 'application/json');
  sent.set('accept', 'application/json, text/event-stream');
  const response = await fetch(url, { method: 'POST', headers: sent, body: JSON.stringify(body) });
  return readResponse(response);
}

export async function readResponse(response: Response): Promise<RawResponse> {
  const text = await response.text();
  const dataLine = text.split('\n').find((line) => line.startsWith('data: '));
  let json: JsonRpcReply;
  try {
    json = JSON.parse(dataLine ? dataLine.slice('data: '.length) : text) as JsonRpcReply;
  } catch {
    json = { jsonrpc: '2.0', id: null };
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function initializeRequest(id: string | number = 1) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-http', version: '1' } },
  };
}

export function toolCall(id: string | number, name: string, args: Record<string, unknown> = {}) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Opens a stateful MCP session over raw HTTP (initialize + initialized) and returns the headers
 * later requests of the session carry.
 */
export async function openSession(url: URL, credentials: Record<string, string>): Promise<Record<string, string>> {
  const init = await postRpc(url, initializeRequest(), credentials);
  expect(init.status).toBe(200);
  const sessionId = init.headers.get('mcp-session-id');
  expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
  const headers = { ...credentials, 'mcp-session-id': sessionId!, 'mcp-protocol-version': '2025-06-18' };
  const initialized = await postRpc(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  expect(initialized.status).toBe(202);
  return headers;
}

/** Asserts that nothing the server sent back (status line aside) contains `secret` or any long piece of it. */
export function expectNoSecret(response: RawResponse, secret: string): void {
  const headerText = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
  const everything = `${headerText}\n\n${response.text}`;
  expect(everything).not.toContain(secret);
  for (const part of secret.split('.').filter((p) => p.length >= 16)) expect(everything).not.toContain(part);
}
