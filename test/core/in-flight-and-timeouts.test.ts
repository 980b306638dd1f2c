import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CreateMessageRequestSchema, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { NextMCP, type ToolContext } from '../../src';
import { refusalOf } from '../support/refusal';

/*
 * Two promises of the README not covered elsewhere: a call already running when its tool is
 * unregistered finishes; a request to the client given `timeoutMs` rejects once it has passed.
 */

async function connect(mcp: NextMCP, capabilities: ConstructorParameters<typeof Client>[1] = {}): Promise<{ client: Client; close(): Promise<void> }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1' }, capabilities);
  const listener = await mcp.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await listener.close();
      await mcp.close();
    },
  };
}

describe('a call in flight', () => {
  it('finishes when its tool is unregistered meanwhile; the next call is refused', async () => {
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    let started!: () => void;
    const running = new Promise<void>((done) => (started = done));
    const mcp = new NextMCP({ name: 'in-flight', version: '1' });
    mcp.tool('slow', {}, async () => {
      started();
      await released;
      return 'finished';
    });
    const { client, close } = await connect(mcp);
    try {
      const call = client.callTool({ name: 'slow', arguments: {} });
      await running;
      expect(mcp.unregister('tool', 'slow')).toBe(true);
      release();
      expect((await call).content).toEqual([{ type: 'text', text: 'finished' }]);
      expect(await refusalOf(client.callTool({ name: 'slow', arguments: {} }))).toEqual({ code: ErrorCode.InvalidParams });
    } finally {
      await close();
    }
  });
});

describe('timeoutMs on a request to the client', () => {
  it('rejects ctx.sample() once it has passed, and the handler decides what to answer', async () => {
    const mcp = new NextMCP({ name: 'timeouts', version: '1' });
    mcp.tool('ask', {}, async (_args: unknown, ctx: ToolContext) => {
      const started = Date.now();
      try {
        await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 }, { timeoutMs: 100 });
        return { outcome: 'answered' };
      } catch (error) {
        return { outcome: 'rejected', code: (error as { code?: unknown }).code, waitedAtLeastTimeout: Date.now() - started >= 90 };
      }
    });
    const { client, close } = await connect(mcp, { capabilities: { sampling: {} } });
    // A client that never answers.
    client.setRequestHandler(CreateMessageRequestSchema, () => new Promise<never>(() => undefined));
    try {
      const result = await client.callTool({ name: 'ask', arguments: {} });
      expect(result.structuredContent).toEqual({ outcome: 'rejected', code: ErrorCode.RequestTimeout, waitedAtLeastTimeout: true });
    } finally {
      await close();
    }
  });
});
