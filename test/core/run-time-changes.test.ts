import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ErrorCode,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { inject, injectable } from 'tsyringe';
import { ApiKeyProvider, AuthRequirement, NextMCP, Prompt, RequiresAuth, Resource, StartupError, Tool, createAuthMiddleware, requiresAuth, requiresScope, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';
import { ADMIN_KEY, READER_KEY, surfaceServer } from '../fixtures/surface-server';
import { connectOver, credentialHeaders, eventually, TRANSPORTS, type Connected, type TransportName } from '../support/three-transports';
import { expectedRefusal, refusalOf } from '../support/refusal';

const STDIO_FIXTURE = 'test/fixtures/surface-stdio.ts';

/** How many notifications of `method` the client received. */
const count = (received: JSONRPCMessage[], method: string) => received.filter((m) => 'method' in m && !('id' in m) && m.method === method).length;
const structured = (result: unknown) => (result as { structuredContent: Record<string, unknown> }).structuredContent;

describe.each(TRANSPORTS)('targets added and removed at run time, over %s', (transport: TransportName) => {
  let session: Connected;

  beforeAll(async () => {
    session = await connectOver(transport, { build: () => surfaceServer(), stdioFixture: STDIO_FIXTURE, credentials: { api_key: ADMIN_KEY } });
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  const change = async (action: 'add' | 'remove', kind: string, name: string) =>
    structured(await session.client.callTool({ name: 'change', arguments: { action, kind, name } }));
  /** Waits for the `n`th notification of `method`. */
  const notified = (method: string, n: number) => eventually(() => count(session.received, method) >= n, `${method} #${n}`);

  it('adds a tool that lists and calls, then removes it from lists and calls; the session is told each time', async () => {
    const { client } = session;
    const method = 'notifications/tools/list_changed';
    expect(await change('add', 'tool', 'late')).toEqual({ added: true });
    await notified(method, 1);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['change', 'touch', 'late']);
    expect((await client.callTool({ name: 'late', arguments: {} })).content).toEqual([{ type: 'text', text: 'late added' }]);

    expect(await change('remove', 'tool', 'late')).toEqual({ removed: true });
    await notified(method, 2);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['change', 'touch']);
    expect(await refusalOf(client.callTool({ name: 'late', arguments: {} }))).toEqual({ code: ErrorCode.InvalidParams });
    expect(await change('remove', 'tool', 'late')).toEqual({ removed: false });
  });

  it('refuses a target that clashes with one it has, changing nothing', async () => {
    const before = await session.client.listTools();
    expect(await change('add', 'tool', 'touch')).toEqual({ added: false, error: expect.stringMatching(/^StartupError: Duplicate tool name "touch"/) });
    expect(await change('add', 'resource', 'not a uri')).toEqual({ added: false, error: expect.stringMatching(/is not a URI/) });
    expect(await session.client.listTools()).toEqual(before);
  });

  it('adds and removes prompts', async () => {
    const { client } = session;
    const method = 'notifications/prompts/list_changed';
    await change('add', 'prompt', 'late_prompt');
    await notified(method, 1);
    expect((await client.getPrompt({ name: 'late_prompt' })).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'late_prompt added' } }]);
    await change('remove', 'prompt', 'late_prompt');
    await notified(method, 2);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['greet', 'admin_report']);
    expect(await refusalOf(client.getPrompt({ name: 'late_prompt' }))).toEqual({ code: ErrorCode.InvalidParams });
  });

  it('adds and removes resources and templates, dropping subscriptions no resource serves any more', async () => {
    const { client } = session;
    const method = 'notifications/resources/list_changed';
    await change('add', 'resource', 'late://{id}');
    await notified(method, 1);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toContain('late://{id}');
    expect((await client.readResource({ uri: 'late://1' })).contents).toEqual([{ uri: 'late://1', mimeType: 'text/plain', text: 'late://{id} added' }]);
    await client.subscribeResource({ uri: 'late://1' });
    expect(structured(await client.callTool({ name: 'touch', arguments: { uri: 'late://1' } }))).toEqual({ notified: 1 });

    expect(await change('remove', 'resource', 'late://{id}')).toEqual({ removed: true });
    await notified(method, 2);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).not.toContain('late://{id}');
    expect(await refusalOf(client.readResource({ uri: 'late://1' }))).toEqual({ code: -32002 });
    expect(structured(await client.callTool({ name: 'touch', arguments: { uri: 'late://1' } }))).toEqual({ notified: 0 });

    await change('add', 'resource', 'late://fixed');
    await change('remove', 'resource', 'late://fixed');
    await notified(method, 4);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['notes://index']);
  });
});

/** A real SDK client on `mcp`, in memory or over HTTP (`url`), recording the notifications it receives. */
async function connectClient(mcp: NextMCP, url?: URL, key?: string) {
  const client = new Client({ name: 'run-time', version: '1' });
  const changed: string[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed.push('tools'));
  client.setNotificationHandler(PromptListChangedNotificationSchema, () => void changed.push('prompts'));
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void changed.push('resources'));
  if (url) {
    let opened!: () => void;
    const streamOpen = new Promise<void>((resolve) => (opened = resolve));
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: credentialHeaders(key ? { api_key: key } : undefined) },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method === 'GET' && response.ok) opened();
        return response;
      },
    });
    await client.connect(transport);
    await streamOpen;
    return { client, changed, close: async () => (await transport.terminateSession(), await client.close()) };
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverSide, { credentials: key ? { api_key: key } : undefined });
  await client.connect(clientSide);
  return { client, changed, close: () => client.close() };
}

describe.each(['in-memory', 'http'])('run-time changes seen by every session (%s)', (transport) => {
  let mcp: NextMCP;
  let url: URL | undefined;

  beforeEach(async () => {
    mcp = surfaceServer();
    url = transport === 'http' ? (await mcp.listen({ transport: 'http', port: 0 })).url : undefined;
  });
  afterEach(() => mcp.close());

  it('tells every open session, and a closed session is forgotten with its subscriptions', async () => {
    const [first, second] = [await connectClient(mcp, url, READER_KEY), await connectClient(mcp, url, READER_KEY)];
    await first.client.subscribeResource({ uri: 'notes://1' });
    await second.client.subscribeResource({ uri: 'notes://1' });
    expect(await mcp.notifyResourceUpdated('notes://1')).toBe(2);

    await first.close();
    expect(await mcp.notifyResourceUpdated('notes://1')).toBe(1);
    mcp.tool('late', {}, async () => 'late');
    await eventually(() => second.changed.length === 1, 'tools/list_changed');
    expect(second.changed).toEqual(['tools']);
    expect(first.changed).toEqual([]);
    await second.close();
    expect(await mcp.notifyResourceUpdated('notes://1')).toBe(0);
  });

  it("compiles an added target's access as at start-up, and forgets it with the target", async () => {
    const reader = await connectClient(mcp, url, READER_KEY);
    const admin = await connectClient(mcp, url, ADMIN_KEY);
    mcp.tool('purge', { description: 'Admins only' }, requiresScope('notes:admin')(async () => 'purged'));
    expect(await refusalOf(reader.client.callTool({ name: 'purge', arguments: {} }))).toEqual(expectedRefusal(transport, -31003, 'insufficient_scope'));
    expect((await admin.client.callTool({ name: 'purge', arguments: {} })).content).toEqual([{ type: 'text', text: 'purged' }]);

    // Removed, then added again without the rule: the old access is gone with the old target.
    expect(mcp.unregister('tool', 'purge')).toBe(true);
    mcp.tool('purge', {}, async () => 'purged by anyone');
    expect((await reader.client.callTool({ name: 'purge', arguments: {} })).content).toEqual([{ type: 'text', text: 'purged by anyone' }]);
    await Promise.all([reader.close(), admin.close()]);
  });

  it('declares to each session the kinds it had when it opened: a kind added later is for sessions opened later', async () => {
    const bare = new NextMCP({ name: 'bare', version: '1' }).tool('ping', {}, async () => 'pong');
    const bareUrl = transport === 'http' ? (await bare.listen({ transport: 'http', port: 0 })).url : undefined;
    const early = await connectClient(bare, bareUrl);
    bare.prompt('late', {}, async () => 'late prompt');
    const later = await connectClient(bare, bareUrl);
    try {
      expect(early.client.getServerCapabilities()).toEqual({ tools: { listChanged: true }, logging: {} });
      expect(await refusalOf(early.client.listPrompts())).toEqual({ code: ErrorCode.MethodNotFound });
      expect(later.client.getServerCapabilities()).toMatchObject({ prompts: { listChanged: true }, completions: {} });
      expect((await later.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['late']);
      // Told of changes to the lists it has.
      bare.unregister('prompt', 'late');
      bare.unregister('tool', 'ping');
      await eventually(() => later.changed.length === 2 && early.changed.length === 1, 'list_changed');
      expect(early.changed).toEqual(['tools']);
    } finally {
      await Promise.all([early.close(), later.close()]);
      await bare.close();
    }
  });
});

describe('registering after start-up', () => {
  let mcp: NextMCP;
  beforeEach(async () => {
    mcp = new NextMCP({ name: 'late', version: '1' }).tool('first', {}, async () => 'first');
    await mcp.connect(InMemoryTransport.createLinkedPair()[1]);
  });
  afterEach(() => mcp.close());

  const names = () => mcp.registry.all().map((t) => t.name);

  it('builds a registered class now, and serves its targets', async () => {
    @injectable()
    class Greeting {
      text = 'hello';
    }
    @injectable()
    class Late {
      constructor(@inject(Greeting) private readonly greeting: Greeting) {}
      @Tool() greet() {
        return this.greeting.text;
      }
      @Prompt('late_prompt') prompt() {
        return 'p';
      }
      @Resource('late://{id}', { complete: { id: () => ['1'] } }) read() {
        return 'r';
      }
    }
    mcp.register(Late);
    expect(names()).toEqual(['first', 'greet', 'read', 'late_prompt']);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(clientSide);
    expect((await client.callTool({ name: 'greet', arguments: {} })).content).toEqual([{ type: 'text', text: 'hello' }]);
    expect((await client.complete({ ref: { type: 'ref/resource', uri: 'late://{id}' }, argument: { name: 'id', value: '' } })).completion.values).toEqual(['1']);
    await client.close();
  });

  it('throws and adds nothing when one of a class\'s targets clashes', () => {
    class Clashing {
      @Tool() fresh() {}
      @Tool({ name: 'first' }) again() {}
    }
    expect(() => mcp.register(Clashing)).toThrow(/Duplicate tool name "first"/);
    expect(names()).toEqual(['first']);
  });

  it('throws and adds nothing when a class cannot be built', () => {
    @injectable()
    class NeedsMissing {
      constructor(@inject('missing-token') readonly missing: unknown) {}
      @Tool() needy() {}
    }
    expect(() => mcp.register(NeedsMissing)).toThrow(StartupError);
    expect(() => mcp.register(NeedsMissing)).toThrow(/Cannot construct NeedsMissing/);
    expect(names()).toEqual(['first']);
  });

  it('throws and adds nothing when a target needs a provider the server does not have', () => {
    expect(() => mcp.tool('guarded', {}, requiresAuth()(async () => 'x'))).toThrow(/requires authentication but no auth provider is configured/);
    class NamesProvider {
      @Tool() @RequiresAuth('github') who() {}
    }
    expect(() => mcp.register(NamesProvider)).toThrow(/No auth provider named "github"/);
    expect(() => mcp.prompt('bad', { arguments: [{ name: 'a' }], complete: { b: () => [] } }, async () => 'x')).toThrow(/names the argument "b", which it does not have/);
    expect(() => mcp.resource('fixed://x', { complete: { id: () => [] } }, async () => 'x')).toThrow(/only a URI template's variables can be completed/);
    expect(names()).toEqual(['first']);
  });

  it('takes a target needing a provider once one is configured, and enforces it', async () => {
    const provider = new ApiKeyProvider({ keys: { [READER_KEY]: { userId: 'reader' } } });
    const withAuth = new NextMCP({ name: 'auth', version: '1' }).tool('open', {}, async () => 'open').use(createAuthMiddleware({ provider, requirement: AuthRequirement.OPTIONAL }));
    const { client, setCredentials, close } = await connectTestClient(withAuth);
    withAuth.tool('guarded', {}, requiresAuth()(async (_args: unknown, ctx: ToolContext) => `hello ${ctx.auth?.userId}`));
    expect(await refusalOf(client.callTool({ name: 'guarded', arguments: {} }))).toEqual({ code: -31001, reason: 'authentication_required' });
    setCredentials({ api_key: READER_KEY });
    expect((await client.callTool({ name: 'guarded', arguments: {} })).content).toEqual([{ type: 'text', text: 'hello reader' }]);
    await close();
    await withAuth.close();
  });
});

describe('stateless HTTP', () => {
  it('declares no list changes or subscriptions (no session to tell), and completes as usual', async () => {
    const mcp = surfaceServer();
    const { url } = await mcp.listen({ transport: 'http', port: 0, stateless: true });
    const client = new Client({ name: 'stateless', version: '1' });
    try {
      await client.connect(new StreamableHTTPClientTransport(url!, { requestInit: { headers: credentialHeaders({ api_key: READER_KEY }) } }));
      expect(client.getServerCapabilities()).toEqual({ tools: {}, prompts: {}, resources: {}, completions: {}, logging: {} });
      const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'language', value: 'py' } });
      expect(completed.completion.values).toEqual(['python']);
      expect(await refusalOf(client.subscribeResource({ uri: 'notes://1' }))).toEqual({ code: ErrorCode.MethodNotFound });
    } finally {
      await client.close();
      await mcp.close();
    }
  });
});
