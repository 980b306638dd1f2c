import 'reflect-metadata';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { NextMCP, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';

describe('ToolContext helpers', () => {
  it('sends progress notifications when the client asked for progress', async () => {
    const mcp = new NextMCP({ name: 'ctx', version: '1' });
    mcp.tool('work', {}, async (_args: unknown, ctx: ToolContext) => {
      await ctx.reportProgress(1, 2, 'half');
      await ctx.reportProgress(2, 2);
      return 'done';
    });
    const { client, close } = await connectTestClient(mcp);
    const progress: unknown[] = [];
    const result = await client.callTool({ name: 'work', arguments: {} }, undefined, { onprogress: (p) => progress.push(p) });
    await close();
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(progress).toEqual([
      { progress: 1, total: 2, message: 'half' },
      { progress: 2, total: 2 },
    ]);
  });

  it('sends log messages and exposes requestId, signal and container', async () => {
    const mcp = new NextMCP({ name: 'ctx', version: '1' });
    let seen: ToolContext | undefined;
    mcp.tool('log', {}, async (_args: unknown, ctx: ToolContext) => {
      seen = ctx;
      await ctx.log('warning', { note: 'careful' }, 'ctx-test');
      return 'logged';
    });
    const { client, close } = await connectTestClient(mcp);
    const messages: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
    await client.callTool({ name: 'log', arguments: {} });
    await close();
    expect(messages).toEqual([{ level: 'warning', data: { note: 'careful' }, logger: 'ctx-test' }]);
    expect(seen!.requestId).toEqual(expect.anything());
    expect(seen!.signal).toBeInstanceOf(AbortSignal);
    expect(typeof seen!.container.resolve).toBe('function');
  });

  it('aborts the signal when the client cancels', async () => {
    const mcp = new NextMCP({ name: 'ctx', version: '1' });
    let aborted: Promise<boolean> | undefined;
    mcp.tool('slow', {}, async (_args: unknown, ctx: ToolContext) => {
      aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(true)));
      await aborted;
      return 'never';
    });
    const { client, close } = await connectTestClient(mcp);
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: {} }, undefined, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(call).rejects.toThrow();
    await expect(aborted).resolves.toBe(true);
    await close();
  });
});
