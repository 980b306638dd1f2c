import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { NextMCP } from '../../src';
import { AuthorizationError } from '../../src';
import { clientRequestServer } from '../fixtures/client-requests-server';
import { eventually } from '../support/three-transports';

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
