import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitationCompleteNotificationSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  type ClientCapabilities,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { clientRequestServer, ICON, SERVER_INFO, type Outcome } from '../fixtures/client-requests-server';
import { connectOver, eventually, TRANSPORTS, type Connected, type TransportName } from '../support/three-transports';

const STDIO_FIXTURE = 'test/fixtures/client-requests-stdio.ts';

/** What a tool of the fixture returned. */
function returned(result: unknown): { result?: Record<string, unknown>; rejected?: Outcome['rejected'] } {
  return (result as { structuredContent: Record<string, never> }).structuredContent;
}

/** Requests the server sent to the client. */
function serverRequests(received: JSONRPCMessage[]): string[] {
  return received.filter((m) => 'method' in m && 'id' in m).map((m) => (m as { method: string }).method);
}

interface Session extends Connected {
  /** How the handlers' requests ended: reported in process, or on the stdio child's stderr. */
  outcomes(): Outcome[];
}

describe.each(TRANSPORTS)('requests to the client over %s', (transport: TransportName) => {
  // One connection per client kind (a stdio connection is a child process): tests set their own handlers.
  let capable: Session;
  let bare: Session;

  async function connect(capabilities: ClientCapabilities): Promise<Session> {
    const reported: Outcome[] = [];
    const connected = await connectOver(transport, { build: () => clientRequestServer((o) => reported.push(o)), stdioFixture: STDIO_FIXTURE, capabilities });
    const outcomes = () => (transport === 'stdio' ? connected.stderrLines.map((line) => JSON.parse(line) as Outcome) : reported);
    return Object.assign(connected, { outcomes });
  }

  beforeAll(async () => {
    [capable, bare] = await Promise.all([connect({ sampling: {}, elicitation: { form: {}, url: {} }, roots: {} }), connect({})]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([capable?.close(), bare?.close()]);
  });

  it('describes itself, and declares only the capabilities it serves', async () => {
    const { client } = bare;
    expect(client.getServerVersion()).toEqual(SERVER_INFO);
    // No resources or prompts are registered.
    expect(client.getServerCapabilities()).toEqual({ tools: { listChanged: true }, logging: {} });
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'roots')).toMatchObject({ icons: [ICON], execution: { taskSupport: 'forbidden' } });
    await expect(client.listPrompts()).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
  });

  it('samples on behalf of the call, and refuses sampling with tools the client cannot do', async () => {
    const { client, received } = capable;
    const asked: unknown[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      asked.push(request.params.messages);
      return { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' };
    });
    const before = serverRequests(received).length;
    expect(returned(await client.callTool({ name: 'sample', arguments: {} }))).toEqual({
      result: { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' },
    });
    expect(asked).toEqual([[{ role: 'user', content: { type: 'text', text: 'Say hi' } }]]);

    expect(returned(await client.callTool({ name: 'sample_with_tools', arguments: {} }))).toEqual({
      rejected: { name: 'ClientCapabilityError', capability: 'sampling.tools', message: expect.stringContaining('"sampling.tools"') },
    });
    expect(serverRequests(received).slice(before)).toEqual(['sampling/createMessage']);
  });

  it('elicits in form mode and refuses an answer that does not match the schema', async () => {
    const { client } = capable;
    const answers = [{ name: 'Ada' }, { name: 42 }];
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: answers.shift() as Record<string, string> }));
    expect(returned(await client.callTool({ name: 'elicit_form', arguments: {} }))).toEqual({ result: { action: 'accept', content: { name: 'Ada' } } });
    expect(returned(await client.callTool({ name: 'elicit_form', arguments: {} })).rejected?.message).toMatch(/does not match the requested schema/);
  });

  it('elicits in URL mode and completes that elicitation on the session that received it', async () => {
    const { client } = capable;
    const asked: unknown[] = [];
    const completed: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params);
      return { action: 'accept' };
    });
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => void completed.push(n.params.elicitationId));
    expect(returned(await client.callTool({ name: 'elicit_url', arguments: { elicitationId: 'e-1' } }))).toEqual({ result: { action: 'accept' } });
    expect(asked).toEqual([{ mode: 'url', message: 'Connect your account', url: 'https://example.com/connect', elicitationId: 'e-1' }]);

    expect(returned(await client.callTool({ name: 'complete_elicitation', arguments: { elicitationId: 'e-1' } }))).toEqual({ completed: true });
    await eventually(() => completed.length === 1, 'notifications/elicitation/complete');
    expect(completed).toEqual(['e-1']);
    // Completed once; an id no session received completes nothing.
    expect(returned(await client.callTool({ name: 'complete_elicitation', arguments: { elicitationId: 'e-1' } }))).toEqual({ completed: false });
    expect(returned(await client.callTool({ name: 'complete_elicitation', arguments: { elicitationId: 'unknown' } }))).toEqual({ completed: false });
  });

  it('passes a thrown UrlElicitationRequiredError to the client unchanged, and can complete it', async () => {
    const { client } = capable;
    const completed: string[] = [];
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => void completed.push(n.params.elicitationId));
    const error = await client.callTool({ name: 'require_url_elicitation', arguments: { elicitationId: 'e-2' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({
      code: ErrorCode.UrlElicitationRequired,
      data: { elicitations: [{ mode: 'url', message: 'Authorize first', url: 'https://example.com/authorize', elicitationId: 'e-2' }] },
    });
    expect(returned(await client.callTool({ name: 'complete_elicitation', arguments: { elicitationId: 'e-2' } }))).toEqual({ completed: true });
    await eventually(() => completed.length === 1, 'notifications/elicitation/complete');
    expect(completed).toEqual(['e-2']);
  });

  it('lists the client roots', async () => {
    const { client } = capable;
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
    expect(returned(await client.callTool({ name: 'roots', arguments: {} }))).toEqual({ result: { roots: [{ uri: 'file:///work', name: 'work' }] } });
  });

  it('refuses, sending nothing, each request whose capability the client did not declare', async () => {
    const { client, received } = bare;
    const refusal = async (name: string, args: Record<string, unknown> = {}) => returned(await client.callTool({ name, arguments: args })).rejected;
    expect(await refusal('sample')).toEqual({ name: 'ClientCapabilityError', capability: 'sampling', message: 'The client did not declare the "sampling" capability, so sampling/createMessage was not sent' });
    expect(await refusal('elicit_form')).toMatchObject({ name: 'ClientCapabilityError', capability: 'elicitation' });
    expect(await refusal('elicit_url', { elicitationId: 'e-3' })).toMatchObject({ name: 'ClientCapabilityError', capability: 'elicitation.url' });
    expect(await refusal('roots')).toMatchObject({ name: 'ClientCapabilityError', capability: 'roots' });
    expect(serverRequests(received)).toEqual([]);
    // A refused URL elicitation was never sent, so there is nothing to complete.
    expect(returned(await client.callTool({ name: 'complete_elicitation', arguments: { elicitationId: 'e-3' } }))).toEqual({ completed: false });
  });

  it('sends log messages at or above the level the client set', async () => {
    const { client } = bare;
    const levels: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void levels.push(n.params.level));
    await client.callTool({ name: 'log_every_level', arguments: {} });
    await eventually(() => levels.length === 4, 'four log messages');
    await client.setLoggingLevel('warning');
    await client.callTool({ name: 'log_every_level', arguments: {} });
    await client.callTool({ name: 'log_every_level', arguments: {} });
    await eventually(() => levels.length === 8, 'four more log messages');
    expect(levels).toEqual(['debug', 'info', 'warning', 'error', 'warning', 'error', 'warning', 'error']);
  });

  it('aborts the handler and rejects its request when the client goes away mid-sample', async () => {
    const session = await connect({ sampling: {} });
    let asked = false;
    session.client.setRequestHandler(CreateMessageRequestSchema, () => {
      asked = true;
      return new Promise<never>(() => {});
    });
    const call = session.client.callTool({ name: 'sample', arguments: {} }).catch((error: unknown) => error);
    await eventually(() => asked, 'the sampling request');
    if (transport === 'http') await (session.client.transport as StreamableHTTPClientTransport).terminateSession();
    await session.close();
    await call;
    await eventually(() => session.outcomes().length === 1, 'the handler to see its request end');
    expect(session.outcomes()).toEqual([
      { tool: 'sample', signalAborted: true, rejected: { name: 'ClientRequestCancelledError', message: 'sampling/createMessage was cancelled: the call it was sent for was cancelled, or its client went away' } },
    ]);
  }, 60_000);
});

describe('URL elicitations of a closed session', () => {
  it('cannot be completed once the session that received them has closed', async () => {
    const mcp = clientRequestServer();
    const connect = async () => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await mcp.connect(serverSide);
      const client = new Client({ name: 'closing', version: '1' }, { capabilities: { elicitation: { url: {} } } });
      client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept' }));
      await client.connect(clientSide);
      return client;
    };
    const leaving = await connect();
    const staying = await connect();
    await leaving.callTool({ name: 'elicit_url', arguments: { elicitationId: 'e-left' } });
    await leaving.callTool({ name: 'elicit_url', arguments: { elicitationId: 'e-kept' } });
    await leaving.close();
    await staying.callTool({ name: 'elicit_url', arguments: { elicitationId: 'e-kept' } });
    const complete = async (elicitationId: string) => returned(await staying.callTool({ name: 'complete_elicitation', arguments: { elicitationId } }));
    expect(await complete('e-left')).toEqual({ completed: false });
    // An id another open session received since is that session's.
    expect(await complete('e-kept')).toEqual({ completed: true });
    await staying.close();
    await mcp.close();
  });
});
