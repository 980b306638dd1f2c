import 'reflect-metadata';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectTestClient } from '../../src/testing';
import { ADMIN_KEY, LANGUAGES, NOTE_IDS, READER_KEY, surfaceServer } from '../fixtures/surface-server';
import { connectOver, eventually, TRANSPORTS, type Connected, type TransportName } from '../support/three-transports';
import { expectedRefusal, refusalOf } from '../support/refusal';

const STDIO_FIXTURE = 'test/fixtures/surface-stdio.ts';

function touched(result: unknown): number {
  return (result as { structuredContent: { notified: number } }).structuredContent.notified;
}

describe.each(TRANSPORTS)('completions and subscriptions over %s', (transport: TransportName) => {
  // One connection per caller (a stdio connection is a child process); each has its own server.
  let anonymous: Connected;
  let reader: Connected;
  let admin: Connected;

  const connect = (key?: string) =>
    connectOver(transport, { build: () => surfaceServer(), stdioFixture: STDIO_FIXTURE, credentials: key ? { api_key: key } : undefined });

  beforeAll(async () => {
    [anonymous, reader, admin] = await Promise.all([connect(), connect(READER_KEY), connect(ADMIN_KEY)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([anonymous?.close(), reader?.close(), admin?.close()]);
  });

  it('declares completions, subscriptions and lists that change', () => {
    expect(reader.client.getServerCapabilities()).toEqual({
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      completions: {},
      logging: {},
    });
  });

  it("completes a prompt's arguments, giving the completer the other arguments and the caller", async () => {
    const complete = (client: Connected['client'], name: string, value: string) =>
      client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name, value }, context: { arguments: { language: 'go' } } });
    expect(await complete(reader.client, 'language', 'j')).toEqual({ completion: { values: ['javascript', 'java'], total: 2, hasMore: false } });
    expect(await complete(reader.client, 'language', '')).toEqual({ completion: { values: LANGUAGES, total: LANGUAGES.length, hasMore: false } });
    expect((await complete(reader.client, 'name', 'Ad')).completion.values).toEqual(['Ad|language=go|caller=reader']);
    expect((await complete(anonymous.client, 'name', 'Ad')).completion.values).toEqual(['Ad|language=go|caller=anonymous']);
  });

  it("completes a resource template's variables, at most 100 values with the total", async () => {
    const result = await reader.client.complete({ ref: { type: 'ref/resource', uri: 'notes://{id}' }, argument: { name: 'id', value: 'note-' } });
    expect(result).toEqual({ completion: { values: NOTE_IDS.slice(0, 100), total: NOTE_IDS.length, hasMore: true } });
    const few = await reader.client.complete({ ref: { type: 'ref/resource', uri: 'notes://{id}' }, argument: { name: 'id', value: 'note-14' } });
    expect(few.completion).toEqual({ values: NOTE_IDS.slice(140, 150), total: 10, hasMore: false });
  });

  it('answers an argument without a completer with no values, and an unknown prompt with -32602', async () => {
    const none = await reader.client.complete({ ref: { type: 'ref/resource', uri: 'notes://index' }, argument: { name: 'id', value: 'x' } });
    expect(none).toEqual({ completion: { values: [], total: 0, hasMore: false } });
    expect(await refusalOf(reader.client.complete({ ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'a', value: '' } }))).toEqual({ code: -32602 });
  });

  it('refuses a completion to whoever may not use the prompt or resource, exactly as it refuses using it', async () => {
    const completeReport = (c: Connected) => c.client.complete({ ref: { type: 'ref/prompt', name: 'admin_report' }, argument: { name: 'period', value: '' } });
    const completeSecret = (c: Connected) => c.client.complete({ ref: { type: 'ref/resource', uri: 'secret://{id}' }, argument: { name: 'id', value: '' } });

    expect(await refusalOf(completeReport(anonymous))).toEqual(expectedRefusal(transport, -31001, 'authentication_required'));
    expect(await refusalOf(completeReport(reader))).toEqual(expectedRefusal(transport, -31003, 'insufficient_scope'));
    expect(await refusalOf(completeReport(reader))).toEqual(await refusalOf(reader.client.getPrompt({ name: 'admin_report' })));
    expect(await refusalOf(completeSecret(anonymous))).toEqual(expectedRefusal(transport, -31001, 'authentication_required'));
    expect(await refusalOf(completeSecret(reader))).toEqual(await refusalOf(reader.client.readResource({ uri: 'secret://alpha' })));

    expect((await completeReport(admin)).completion.values).toEqual(['day', 'week', 'month']);
    expect((await completeSecret(admin)).completion.values).toEqual(['alpha', 'beta']);
  });

  it('sends resources/updated to a subscribed session until it unsubscribes', async () => {
    const { client, received } = reader;
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: 'notes://7' });
    await client.subscribeResource({ uri: 'notes://index' });

    expect(touched(await client.callTool({ name: 'touch', arguments: { uri: 'notes://7' } }))).toBe(1);
    expect(touched(await client.callTool({ name: 'touch', arguments: { uri: 'notes://8' } }))).toBe(0);
    expect(touched(await client.callTool({ name: 'touch', arguments: { uri: 'notes://index' } }))).toBe(1);
    await eventually(() => updated.length === 2, 'notifications/resources/updated');
    expect(updated).toEqual(['notes://7', 'notes://index']);

    await client.unsubscribeResource({ uri: 'notes://7' });
    expect(touched(await client.callTool({ name: 'touch', arguments: { uri: 'notes://7' } }))).toBe(0);
    expect(touched(await client.callTool({ name: 'touch', arguments: { uri: 'notes://index' } }))).toBe(1);
    await eventually(() => updated.length === 3, 'the last update');
    expect(updated).toEqual(['notes://7', 'notes://index', 'notes://index']);
    expect(received.filter((m) => 'method' in m && m.method === 'notifications/resources/updated')).toHaveLength(3);
  });

  it('answers a subscription to a URI no resource serves with -32002', async () => {
    expect(await refusalOf(reader.client.subscribeResource({ uri: 'nothing://here' }))).toEqual({ code: -32002 });
    expect(await refusalOf(reader.client.unsubscribeResource({ uri: 'nothing://here' }))).toEqual({ code: -32002 });
  });

  it('refuses a subscription to whoever may not read the resource, exactly as it refuses reading it', async () => {
    const subscribe = (c: Connected) => c.client.subscribeResource({ uri: 'secret://alpha' });
    expect(await refusalOf(subscribe(anonymous))).toEqual(expectedRefusal(transport, -31001, 'authentication_required'));
    expect(await refusalOf(subscribe(reader))).toEqual(expectedRefusal(transport, -31003, 'insufficient_scope'));
    expect(await refusalOf(subscribe(reader))).toEqual(await refusalOf(reader.client.readResource({ uri: 'secret://alpha' })));
    expect(await refusalOf(reader.client.unsubscribeResource({ uri: 'secret://alpha' }))).toEqual(expectedRefusal(transport, -31003, 'insufficient_scope'));
    // Refused: nothing was subscribed.
    expect(touched(await reader.client.callTool({ name: 'touch', arguments: { uri: 'secret://alpha' } }))).toBe(0);

    await subscribe(admin);
    expect(touched(await admin.client.callTool({ name: 'touch', arguments: { uri: 'secret://alpha' } }))).toBe(1);
  });
});

describe('subscriptions per session', () => {
  it('are bounded: past 1000 URIs a subscription is refused until the session unsubscribes from one', async () => {
    const mcp = surfaceServer();
    const { client, close } = await connectTestClient(mcp, { credentials: { api_key: READER_KEY } });
    try {
      for (let i = 0; i < 1000; i++) await client.subscribeResource({ uri: `notes://${i}` });
      await client.subscribeResource({ uri: 'notes://0' });
      expect(await refusalOf(client.subscribeResource({ uri: 'notes://1000' }))).toEqual({ code: -32602 });
      expect(await mcp.notifyResourceUpdated('notes://1000')).toBe(0);
      await client.unsubscribeResource({ uri: 'notes://0' });
      await client.subscribeResource({ uri: 'notes://1000' });
      expect(await mcp.notifyResourceUpdated('notes://1000')).toBe(1);
    } finally {
      await close();
      await mcp.close();
    }
  });
});
