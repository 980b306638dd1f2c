import 'reflect-metadata';
import { NextMCP, Prompt, Resource, Tool } from '../../src';
import { connectTestClient } from '../../src/testing';

const ICON = { src: 'data:image/svg+xml;base64,PHN2Zy8+', mimeType: 'image/svg+xml', sizes: ['any'] };

class DescribedTargets {
  @Tool({ description: 'Export', icons: [ICON], execution: { taskSupport: 'optional' } })
  export() {
    return 'ok';
  }

  @Resource('notes://{id}', { description: 'A note', icons: [ICON] })
  note(_uri: URL, { id }: { id: string }) {
    return `note ${id}`;
  }

  @Resource('notes://index', { icons: [ICON] })
  index() {
    return 'index';
  }

  @Prompt('summarize', { description: 'Summarize', icons: [ICON] })
  summarize() {
    return 'Summarize the notes.';
  }
}

describe('server description', () => {
  it('lists icons on decorated tools, resources, templates and prompts, and execution on tools', async () => {
    const mcp = new NextMCP({ name: 'described', version: '1' }).register(DescribedTargets);
    const { client, close } = await connectTestClient(mcp);
    const [{ tools }, { resources }, { resourceTemplates }, { prompts }] = await Promise.all([
      client.listTools(),
      client.listResources(),
      client.listResourceTemplates(),
      client.listPrompts(),
    ]);
    await close();
    expect(tools).toEqual([{ name: 'export', description: 'Export', inputSchema: { type: 'object', properties: {} }, icons: [ICON], execution: { taskSupport: 'optional' } }]);
    expect(resources).toEqual([{ uri: 'notes://index', name: 'index', icons: [ICON] }]);
    expect(resourceTemplates).toEqual([{ uriTemplate: 'notes://{id}', name: 'note', description: 'A note', icons: [ICON] }]);
    expect(prompts).toEqual([{ name: 'summarize', description: 'Summarize', arguments: [], icons: [ICON] }]);
  });

  it('takes icons in the functional forms too', async () => {
    const mcp = new NextMCP({ name: 'functional', version: '1' })
      .tool('t', { icons: [ICON] }, async () => 'ok')
      .resource('r://x', { icons: [ICON] }, async () => 'x')
      .prompt('p', { icons: [ICON] }, async () => 'p');
    const { client, close } = await connectTestClient(mcp);
    const [{ tools }, { resources }, { prompts }] = await Promise.all([client.listTools(), client.listResources(), client.listPrompts()]);
    await close();
    expect([tools[0].icons, resources[0].icons, prompts[0].icons]).toEqual([[ICON], [ICON], [ICON]]);
  });

  it.each([
    ['only resources', (mcp: NextMCP) => mcp.resource('r://x', {}, async () => 'x'), { resources: { subscribe: true, listChanged: true }, completions: {}, logging: {} }],
    ['only prompts', (mcp: NextMCP) => mcp.prompt('p', {}, async () => 'p'), { prompts: { listChanged: true }, completions: {}, logging: {} }],
    ['nothing', (mcp: NextMCP) => mcp, { logging: {} }],
  ])('declares capabilities for what is registered: %s', async (_name, setUp, capabilities) => {
    const mcp = new NextMCP({ name: 'caps', version: '1' });
    setUp(mcp);
    const { client, close } = await connectTestClient(mcp);
    const declared = client.getServerCapabilities();
    await close();
    expect(declared).toEqual(capabilities);
  });
});
