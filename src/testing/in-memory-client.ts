import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Credentials } from '../auth/provider';
import type { NextMCP } from '../server/next-mcp';

/** Options of `connectTestClient()`. */
export interface TestClientOptions {
  /** Sent with every request in `params._meta.auth`; can be changed later with `setCredentials`. */
  credentials?: Credentials;
  /** The client's name in `initialize`. */
  name?: string;
}

/** What `connectTestClient()` resolves to. */
export interface TestClient {
  /** A real SDK `Client` connected to the server in memory. */
  client: Client;
  /** Replaces the credentials sent with later requests (`undefined` sends none). */
  setCredentials(credentials: Credentials | undefined): void;
  /** Closes the client and its connection to the server. */
  close(): Promise<void>;
}

/**
 * Connects a real MCP SDK `Client` to a `NextMCP` over an in-memory transport, attaching
 * credentials to every request as `params._meta.auth` — the way a host would.
 *
 * @example
 * const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
 * const result = await client.callTool({ name: 'whoami', arguments: {} });
 */
export async function connectTestClient(server: NextMCP, options: TestClientOptions = {}): Promise<TestClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  let credentials = options.credentials;
  const client = new Client({ name: options.name ?? 'nextmcp-test-client', version: '1.0.0' });
  const connection = await server.connect(serverSide);
  await client.connect(withCredentials(clientSide, () => credentials));
  return {
    client,
    setCredentials: (next) => {
      credentials = next;
    },
    close: async () => {
      await client.close();
      await connection.close();
    },
  };
}

/** Wraps a client transport so each outgoing request carries `params._meta.auth`. */
export function withCredentials(transport: Transport, credentials: () => Credentials | undefined): Transport {
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    const current = credentials();
    if (current && 'method' in message && 'id' in message) {
      // Copies, so the caller's params object never gets credentials. Object.assign rather than
      // spreads: several times cheaper here, and this runs on every request.
      const params = message.params as Record<string, unknown> | undefined;
      const meta = params?._meta as Record<string, unknown> | undefined;
      const withAuth: Record<string, unknown> = Object.assign({}, params);
      withAuth._meta = Object.assign({}, meta, { auth: current });
      message = Object.assign({}, message, { params: withAuth });
    }
    return send(message, options);
  };
  return transport;
}
