import 'reflect-metadata';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MemoryEventStore, NextMCP, type HttpListenOptions, type ToolContext } from '../../src';
import { PROTOCOL, postMcp as post, SseReader, type SseEvent } from '../support/raw-mcp-http';
import { eventually } from '../support/three-transports';

/** A server whose `poll` tool closes its stream, then (once released) logs and returns. */
async function pollingServer(options: Omit<HttpListenOptions, 'transport'> = {}) {
  const mcp = new NextMCP({ name: 'resumable', version: '1' });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const seen: { closed?: boolean; finished?: boolean } = {};
  mcp.tool('poll', {}, async (_args: unknown, ctx: ToolContext) => {
    seen.closed = ctx.closeSSEStream();
    await released;
    await ctx.log('info', 'while the client was away');
    seen.finished = true;
    return 'polled';
  });
  const listener = await mcp.listen({ transport: 'http', port: 0, ...options });
  const url = listener.url!;
  const init = await post(url, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const session = { 'mcp-session-id': init.headers.get('mcp-session-id')! };
  await new SseReader(init).rest();
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  return { mcp, url, session, release, seen };
}

const callPoll = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'poll', arguments: {} } };
const messages = (events: SseEvent[]) => events.filter((e) => e.data !== '').map((e) => JSON.parse(e.data) as JSONRPCMessage);

describe('resumable streams over HTTP (SEP-1699)', () => {
  it('primes each stream; a handler closes its stream and the client gets the rest with Last-Event-ID', async () => {
    const { mcp, url, session, release, seen } = await pollingServer({ retryInterval: 250 });
    try {
      const events = await new SseReader(await post(url, callPoll, session)).rest();
      expect(seen.closed).toBe(true);
      // The stream was closed before any message: only the priming event came.
      expect(events).toEqual([{ id: expect.any(String), retry: 250, data: '' }]);

      release();
      await eventually(() => seen.finished === true, 'the tool to finish');
      const resumed = await fetch(url, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': PROTOCOL, ...session, 'last-event-id': events[0].id! } });
      expect(resumed.status).toBe(200);
      const replay = new SseReader(resumed);
      const replayed = [await replay.next(), await replay.next()];
      await replay.cancel();
      expect(messages(replayed as SseEvent[])).toEqual([
        { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'while the client was away' } },
        { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'polled' }] } },
      ]);
    } finally {
      await mcp.close();
    }
  });

  it('serves a request at the session’s protocol version, whatever older version its header names', async () => {
    const { mcp, url, session, release } = await pollingServer();
    try {
      release();
      const events = await new SseReader(await post(url, callPoll, { ...session, 'mcp-protocol-version': '2025-03-26' })).rest();
      expect(events[0]).toEqual({ id: expect.any(String), data: '' });
    } finally {
      await mcp.close();
    }
  });

  it('with eventStore: false, sends no priming event and keeps the stream open to the end', async () => {
    const { mcp, url, session, release, seen } = await pollingServer({ eventStore: false });
    try {
      const response = await post(url, callPoll, session);
      await eventually(() => seen.closed !== undefined, 'the tool to start');
      release();
      const events = await new SseReader(response).rest();
      expect(seen.closed).toBe(false);
      expect(events.every((e) => e.id === undefined)).toBe(true);
      expect(messages(events).at(-1)).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'polled' }] } });
    } finally {
      await mcp.close();
    }
  });

  it('uses the event store the eventStore option builds, one per MCP session', async () => {
    const stores: string[] = [];
    const { mcp, url, session, release } = await pollingServer({
      eventStore: (sessionId) => {
        stores.push(sessionId);
        return new MemoryEventStore();
      },
    });
    try {
      release();
      await new SseReader(await post(url, callPoll, session)).rest();
      expect(stores).toEqual([session['mcp-session-id']]);
    } finally {
      await mcp.close();
    }
  });
});

describe('MemoryEventStore', () => {
  const message = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } });

  async function replay(store: MemoryEventStore, after: string) {
    const sent: [string, JSONRPCMessage][] = [];
    const streamId = await store.replayEventsAfter(after, { send: async (id, m) => void sent.push([id, m]) });
    return { streamId, sent };
  }

  it('replays, in order, the events of the same stream after the given one, skipping priming events', async () => {
    const store = new MemoryEventStore();
    const first = await store.storeEvent('a', {} as JSONRPCMessage);
    const one = await store.storeEvent('a', message(1));
    await store.storeEvent('b', message(2));
    const three = await store.storeEvent('a', message(3));
    expect(await store.getStreamIdForEventId(one)).toBe('a');
    expect(await replay(store, first)).toEqual({ streamId: 'a', sent: [[one, message(1)], [three, message(3)]] });
    expect(await replay(store, one)).toEqual({ streamId: 'a', sent: [[three, message(3)]] });
  });

  it('keeps at most maxEvents and maxBytes, forgetting the oldest', async () => {
    const store = new MemoryEventStore({ maxEvents: 2 });
    const first = await store.storeEvent('a', message(1));
    const second = await store.storeEvent('a', message(2));
    const third = await store.storeEvent('a', message(3));
    expect(await store.getStreamIdForEventId(first)).toBeUndefined();
    await expect(replay(store, first)).rejects.toThrow('Unknown or expired Last-Event-ID');
    expect(await replay(store, second)).toEqual({ streamId: 'a', sent: [[third, message(3)]] });

    const small = new MemoryEventStore({ maxBytes: 200 });
    const big = await small.storeEvent('a', { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(500) } });
    expect(await small.getStreamIdForEventId(big)).toBeUndefined();
    // maxBytes counts UTF-8 bytes: 100 × '€' is 100 UTF-16 units (fits 200) but 300 bytes (does not).
    const euros = await small.storeEvent('a', { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: '€'.repeat(100) } });
    expect(await small.getStreamIdForEventId(euros)).toBeUndefined();
    const ascii = await small.storeEvent('a', { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'e'.repeat(100) } });
    expect(await small.getStreamIdForEventId(ascii)).toBe('a');
  });
});
