import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Listener, NextMCP } from '../../src';
import { clientRequestServer } from '../fixtures/client-requests-server';
import { postMcp as post, PROTOCOL, SseReader } from '../support/raw-mcp-http';

/** The JSON-RPC messages of an SSE stream until `stop` says so (priming events carry none). */
async function messagesUntil(reader: SseReader, stop: (message: JSONRPCMessage) => boolean): Promise<JSONRPCMessage[]> {
  const messages: JSONRPCMessage[] = [];
  for (let event = await reader.next(); event; event = await reader.next()) {
    if (event.data === '') continue;
    const message = JSON.parse(event.data) as JSONRPCMessage;
    messages.push(message);
    if (stop(message)) return messages;
  }
  return messages;
}

describe('requests to the client over Streamable HTTP', () => {
  let mcp: NextMCP;
  let listener: Listener;

  afterEach(async () => {
    await mcp.close();
  });

  it('sends a handler’s sampling request on the stream of the call it serves, and takes the answer from a later POST', async () => {
    mcp = clientRequestServer();
    listener = await mcp.listen({ transport: 'http', port: 0 });
    const url = listener.url!;
    const init = await post(url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: PROTOCOL, capabilities: { sampling: {} }, clientInfo: { name: 'raw', version: '1' } },
    });
    const session = { 'mcp-session-id': init.headers.get('mcp-session-id')! };
    await new SseReader(init).rest();
    expect((await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status).toBe(202);

    const call = new SseReader(await post(url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'sample', arguments: {} } }, session));
    const [request] = (await messagesUntil(call, (m) => 'method' in m)) as { id: number; method: string }[];
    expect(request).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 10 } });

    const answer = { role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'm' };
    expect((await post(url, { jsonrpc: '2.0', id: request.id, result: answer }, session)).status).toBe(202);
    const [response] = await messagesUntil(call, (m) => 'id' in m && m.id === 2);
    expect(response).toMatchObject({ id: 2, result: { structuredContent: { result: answer } } });
  });

  it('refuses a request to the client at once on a stateless server, sending nothing', async () => {
    mcp = clientRequestServer();
    listener = await mcp.listen({ transport: 'http', port: 0, stateless: true });
    const client = new Client({ name: 'stateless', version: '1' }, { capabilities: { sampling: {} } });
    let asked = false;
    client.setRequestHandler(CreateMessageRequestSchema, () => {
      asked = true;
      return { role: 'assistant', content: { type: 'text', text: 'never' }, model: 'm' };
    });
    await client.connect(new StreamableHTTPClientTransport(listener.url!));
    const result = await client.callTool({ name: 'sample', arguments: {} });
    await client.close();
    expect(result.structuredContent).toEqual({
      rejected: { name: 'ClientRequestUnavailableError', message: expect.stringMatching(/^sampling\/createMessage was not sent: a stateless HTTP server has no MCP session/) },
    });
    expect(asked).toBe(false);
  });
});
