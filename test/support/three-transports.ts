import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClientCapabilities, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { NextMCP } from '../../src';

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
 * over HTTP on 127.0.0.1), or the stdio fixture `stdioFixture` as a child process.
 */
export async function connectOver(
  name: TransportName,
  options: { build: () => NextMCP; stdioFixture: string; capabilities?: ClientCapabilities },
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
    const transport = new StreamableHTTPClientTransport(listener.url!);
    await client.connect(transport);
    record(transport);
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
  await mcp.connect(serverSide);
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

/** Resolves once `condition()` holds, checking whenever the event loop turns. */
export async function eventually(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
