import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClientCapabilities, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Credentials, NextMCP } from '../../src';

/** The environment variable a stdio fixture reads its connection's default credentials from (JSON). */
export const CREDENTIALS_ENV = 'NEXTMCP_TEST_CREDENTIALS';

export type TransportName = 'in-memory' | 'http' | 'stdio';
export const TRANSPORTS: TransportName[] = ['in-memory', 'http', 'stdio'];

export interface Connected {
  client: Client;
  /** Every message the client received, in order. */
  received: JSONRPCMessage[];
  /** Lines the server wrote to stderr (stdio only). */
  stderrLines: string[];
  /** The server's HTTP endpoint (http only). */
  url?: URL;
  close(): Promise<void>;
}

/**
 * A real SDK `Client` with `capabilities` connected to a server: `build()` in process (in memory or
 * over HTTP on 127.0.0.1), or the stdio fixture `stdioFixture` as a child process. `credentials` go
 * the way each transport carries them: the connection's default credentials in memory, headers
 * over HTTP, and for the stdio child `CREDENTIALS_ENV` (which the fixture passes to `listen()`).
 * Over HTTP it resolves once the session's event stream is open, so notifications the server
 * sends from then on reach the client. `stdioEnv` adds to the stdio child's environment.
 */
export async function connectOver(
  name: TransportName,
  options: { build: () => NextMCP; stdioFixture: string; capabilities?: ClientCapabilities; credentials?: Credentials; stdioEnv?: Record<string, string> },
): Promise<Connected> {
  const client = new Client({ name: `test-${name}`, version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  const received: JSONRPCMessage[] = [];
  const stderrLines: string[] = [];
  const record = (transport: Transport) => {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      received.push(message);
      deliver?.(message, extra);
    };
  };
  if (name === 'stdio') {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['-r', 'ts-node/register/transpile-only', options.stdioFixture],
      cwd: join(__dirname, '../..'),
      env: { ...getDefaultEnvironment(), ...options.stdioEnv, ...(options.credentials && { [CREDENTIALS_ENV]: JSON.stringify(options.credentials) }) },
      stderr: 'pipe',
    });
    createInterface({ input: transport.stderr as Readable }).on('line', (line) => stderrLines.push(line));
    await client.connect(transport);
    record(transport);
    return { client, received, stderrLines, close: () => client.close() };
  }
  const mcp = options.build();
  if (name === 'http') {
    const listener = await mcp.listen({ transport: 'http', port: 0 });
    let streamOpened!: () => void;
    const streamOpen = new Promise<void>((resolve) => (streamOpened = resolve));
    const watchingFetch: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method === 'GET' && response.ok) streamOpened();
      return response;
    };
    const transport = new StreamableHTTPClientTransport(listener.url!, { fetch: watchingFetch, requestInit: { headers: credentialHeaders(options.credentials) } });
    await client.connect(transport);
    record(transport);
    await streamOpen;
    return {
      client,
      received,
      stderrLines,
      url: listener.url,
      close: async () => {
        await client.close();
        await mcp.close();
      },
    };
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverSide, { credentials: options.credentials });
  await client.connect(clientSide);
  record(clientSide);
  return {
    client,
    received,
    stderrLines,
    close: async () => {
      await client.close();
      await mcp.close();
    },
  };
}

/** Credentials as HTTP headers: `Authorization: Bearer` for an access token, `X-API-Key` for an API key. */
export function credentialHeaders(credentials: Credentials | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credentials?.access_token) headers.authorization = `Bearer ${String(credentials.access_token)}`;
  if (credentials?.api_key) headers['x-api-key'] = String(credentials.api_key);
  return headers;
}

/** Resolves once `condition()` holds, checking whenever the event loop turns. */
export async function eventually(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
