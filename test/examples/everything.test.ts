import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createEverythingServer } from '../../examples/everything/everything-server';

describe('examples/everything', () => {
  it('describes every tool and prompt, asks the client for sampling and elicitation, completes and takes subscriptions', async () => {
    const mcp = createEverythingServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    const client = new Client({ name: 'everything-test', version: '1' }, { capabilities: { sampling: {}, elicitation: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 'pong' }, model: 'm' }));
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { response: 'yes' } }));
    await client.connect(clientSide);
    const [{ tools }, { prompts }] = await Promise.all([client.listTools(), client.listPrompts()]);
    const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'ping' } });
    const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Agree?' } });
    const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'test' } });
    const completedId = await client.complete({ ref: { type: 'ref/resource', uri: 'test://template/{id}/data' }, argument: { name: 'id', value: '4' } });
    await client.subscribeResource({ uri: 'test://watched-resource' });
    const notified = await mcp.notifyResourceUpdated('test://watched-resource');
    await client.unsubscribeResource({ uri: 'test://watched-resource' });
    const notifiedAfter = await mcp.notifyResourceUpdated('test://watched-resource');
    await client.close();
    await mcp.close();
    // The suite requires a description on each.
    expect(tools.filter((t) => !t.description)).toEqual([]);
    expect(prompts.filter((p) => !p.description)).toEqual([]);
    expect(sampled.content).toEqual([{ type: 'text', text: 'LLM response: pong' }]);
    expect(elicited.content).toEqual([{ type: 'text', text: 'User response: action=accept, content={"response":"yes"}' }]);
    expect(completed.completion).toEqual({ values: ['test', 'testing', 'tested'], total: 3, hasMore: false });
    expect(completedId.completion.values).toEqual(['456']);
    expect([notified, notifiedAfter]).toEqual([1, 0]);
  });
});
