import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ECHO_TOOL, checkEcho, echoText } from '../fixtures/echo';
import { runWindow } from '../lib/window';
import { loadLabel, type OpenScenario } from '../lib/scenario';
import type { Credentials } from '../../src/auth/provider';
import type { NextMCP } from '../../src/server/next-mcp';

export const IN_PROCESS = 'in-process';
export const IN_PROCESS_BASELINE = 'SDK McpServer, no auth';
export const IN_PROCESS_NOISE_CHECK = 'SDK McpServer again (noise check: ideally 1.00×)';

/** A plain SDK `Client` connected in memory to one echo server, as a user's host connects it. */
export interface EchoConnection {
  name: string;
  client: Client;
  /** Put in each call's `params._meta.auth` by the calling code, as an MCP host does. */
  credentials?: Credentials;
  /** Requests that mean a call left the path the scenario claims (e.g. it asked GitHub): each is an error. */
  strayRequests?: { count(): number; meaning: string };
  close(): Promise<void>;
}

/**
 * Links a plain SDK `Client` to a server through `InMemoryTransport.createLinkedPair()`;
 * `connectServer` is the server's own `connect()` (the SDK's `server.connect`, NextMCP's `mcp.connect`).
 */
export async function connectClient(connectServer: (serverSide: Transport) => Promise<unknown>): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await connectServer(serverSide);
  await client.connect(clientSide);
  return client;
}

/** A plain SDK `Client` connected to the SDK's `McpServer` through `server.connect()`; closing stops both. */
export async function connectSdk(name: string, server: McpServer): Promise<EchoConnection> {
  const client = await connectClient((serverSide) => server.connect(serverSide));
  return {
    name,
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export interface NextConnectionOptions {
  credentials?: Credentials;
  strayRequests?: EchoConnection['strayRequests'];
  /** Run after the server is closed (e.g. stop the fake GitHub it used). */
  after?: () => Promise<void>;
}

/** A plain SDK `Client` connected to `mcp` through `mcp.connect()`; closing stops the server too. */
export async function connectNext(name: string, mcp: NextMCP, options: NextConnectionOptions = {}): Promise<EchoConnection> {
  let listener: { close(): Promise<void> } | undefined;
  let client: Client | undefined;
  const close = async () => {
    await client?.close();
    await listener?.close();
    await mcp.close();
    await options.after?.();
  };
  try {
    client = await connectClient(async (serverSide) => {
      listener = await mcp.connect(serverSide);
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { name, client, credentials: options.credentials, strayRequests: options.strayRequests, close };
}

/** One echo call's params as calling code writes them (object literals), credentials in `_meta.auth`. */
function echoCall(connection: EchoConnection, args: Record<string, unknown>) {
  const auth = connection.credentials;
  return auth ? { name: ECHO_TOOL, arguments: args, _meta: { auth } } : { name: ECHO_TOOL, arguments: args };
}

/**
 * Throws unless an echo call with a non-string `text` is refused as invalid params (-32602): a
 * tool whose input is not validated would make the scenario measure less work than users get.
 * NextMCP answers with the JSON-RPC error; the SDK's `McpServer` wraps it in an `isError` result.
 */
export async function assertValidatesInput(connection: EchoConnection): Promise<void> {
  let refusal: string;
  try {
    const result = (await connection.client.callTool(echoCall(connection, { text: 42 }))) as { isError?: boolean; content?: { text?: string }[] };
    const text = result.content?.[0]?.text ?? '';
    if (result.isError && text.includes(String(ErrorCode.InvalidParams))) return;
    refusal = `answered ${JSON.stringify(result).slice(0, 200)}`;
  } catch (error) {
    if (error instanceof McpError && error.code === ErrorCode.InvalidParams) return;
    refusal = `failed with ${error instanceof McpError ? `${error.code} ` : ''}${error instanceof Error ? error.message : String(error)}`;
  }
  throw new Error(`${connection.name}: an echo call with { text: 42 } must be refused with -32602, but it ${refusal}`);
}

/**
 * One scenario per load level on the same connection: echo calls through the `Client`, `inFlight`
 * at a time, each level paired with the baseline at the same level. Closing any closes the connection.
 */
export function echoScenarios(connection: EchoConnection, inFlightLevels: readonly number[]): OpenScenario[] {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= connection.close());
  return inFlightLevels.map((inFlight) => ({
    group: IN_PROCESS,
    name: `${connection.name} [${loadLabel(inFlight)}]`,
    baseline: `${IN_PROCESS_BASELINE} [${loadLabel(inFlight)}]`,
    measure: async (windowMs) => {
      const strayBefore = connection.strayRequests?.count() ?? 0;
      const sample = await runWindow(
        async (n) => {
          const text = echoText(n);
          return checkEcho(await connection.client.callTool(echoCall(connection, { text })), text);
        },
        windowMs,
        inFlight,
      );
      const stray = (connection.strayRequests?.count() ?? 0) - strayBefore;
      if (stray === 0) return sample;
      return { ...sample, errors: sample.errors + stray, firstError: sample.firstError ?? `${stray} ${connection.strayRequests!.meaning}` };
    },
    close,
  }));
}
