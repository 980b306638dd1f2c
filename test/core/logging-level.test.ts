import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { NextMCP } from '../../src';
import { AuthorizationError, AuthRequirement } from '../../src';
import { clientRequestServer } from '../fixtures/client-requests-server';
import { GUEST_KEY, READER_KEY, surfaceServer } from '../fixtures/surface-server';
import { connectOver, eventually, TRANSPORTS, type Connected, type TransportName } from '../support/three-transports';
import { expectedRefusal, refusalOf } from '../support/refusal';

async function connectClient(mcp: NextMCP, url?: URL) {
  const client = new Client({ name: 'levels', version: '1' });
  const levels: string[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void levels.push(n.params.level));
  if (url) {
    await client.connect(new StreamableHTTPClientTransport(url));
  } else {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    await client.connect(clientSide);
  }
  return { client, levels };
}

describe('logging/setLevel', () => {
  it.each(['in-memory', 'http'])('keeps the level per MCP session (%s)', async (transport) => {
    const mcp = clientRequestServer();
    const url = transport === 'http' ? (await mcp.listen({ transport: 'http', port: 0 })).url : undefined;
    const quiet = await connectClient(mcp, url);
    const chatty = await connectClient(mcp, url);
    await quiet.client.setLoggingLevel('error');
    await quiet.client.callTool({ name: 'log_every_level', arguments: {} });
    await chatty.client.callTool({ name: 'log_every_level', arguments: {} });
    await eventually(() => quiet.levels.length === 1 && chatty.levels.length === 4, 'the log messages');
    await Promise.all([quiet.client.close(), chatty.client.close()]);
    await mcp.close();
    expect(quiet.levels).toEqual(['error']);
    expect(chatty.levels).toEqual(['debug', 'info', 'warning', 'error']);
  });

  it('is decided by the pipeline: middleware sees it, and a refused level changes nothing', async () => {
    const mcp = clientRequestServer();
    const methods: string[] = [];
    mcp.use(async (ctx, next) => {
      methods.push(ctx.method);
      if (ctx.method === 'logging/setLevel' && ctx.params.level === 'emergency') throw new AuthorizationError('not you');
      return next();
    });
    const { client, levels } = await connectClient(mcp);
    await expect(client.setLoggingLevel('emergency')).rejects.toMatchObject({ code: -31003 });
    await client.callTool({ name: 'log_every_level', arguments: {} });
    await eventually(() => levels.length === 4, 'the log messages');
    await client.close();
    await mcp.close();
    expect(methods).toEqual(['logging/setLevel', 'tools/call']);
    expect(levels).toEqual(['debug', 'info', 'warning', 'error']);
  });
});

describe.each(TRANSPORTS)('logging/setLevel under a REQUIRED middleware, over %s', (transport: TransportName) => {
  // It addresses no target but changes what the session is sent: decided like a call to no known
  // target, so it needs what the middleware requires (here an authenticated caller with notes:read).
  const connect = (key?: string) =>
    connectOver(transport, {
      build: () => surfaceServer(AuthRequirement.REQUIRED),
      stdioFixture: 'test/fixtures/surface-stdio.ts',
      stdioEnv: { SURFACE_REQUIREMENT: AuthRequirement.REQUIRED },
      credentials: key ? { api_key: key } : undefined,
    });
  let guest: Connected;
  let reader: Connected;

  beforeAll(async () => {
    [guest, reader] = await Promise.all([connect(GUEST_KEY), connect(READER_KEY)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([guest?.close(), reader?.close()]);
  });

  it('needs the middleware\'s scopes, like a call (403 over HTTP), while listings need none', async () => {
    expect((await guest.client.listTools()).tools.length).toBeGreaterThan(0);
    expect(await refusalOf(guest.client.setLoggingLevel('error'))).toEqual(expectedRefusal(transport, -31003, 'insufficient_scope'));
    await expect(reader.client.setLoggingLevel('error')).resolves.toEqual({});
  });

  if (transport !== 'http') {
    // Over HTTP a REQUIRED server answers 401 to every request without a valid token, initialize included.
    it('needs an authenticated caller, though initialize and listings do not', async () => {
      const anonymous = await connect();
      try {
        expect((await anonymous.client.listTools()).tools.length).toBeGreaterThan(0);
        expect(await refusalOf(anonymous.client.setLoggingLevel('error'))).toEqual(expectedRefusal(transport, -31001, 'authentication_required'));
      } finally {
        await anonymous.close();
      }
    });
  }
});
