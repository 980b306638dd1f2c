// The "everything" server of the official MCP conformance suite, written with NextMCP's public API.
// Tool, resource and prompt names are the ones the suite's scenarios call.
import 'reflect-metadata';
import { NextMCP, type Completer, type ToolContext } from '../../src';

/** A 1×1 red PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
/** A minimal WAV file. */
const WAV = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Suggests the values that start with what the user typed. */
const startingWith = (values: string[]): Completer => (value) => values.filter((v) => v.startsWith(value));

export function createEverythingServer(): NextMCP {
  const mcp = new NextMCP({
    name: 'nextmcp-everything',
    version: '1.0.0',
    title: 'NextMCP everything server',
    description: 'Every feature the MCP conformance suite exercises, built with NextMCP',
    websiteUrl: 'https://github.com/modelcontextprotocol/conformance',
    icons: [{ src: `data:image/png;base64,${PNG}`, mimeType: 'image/png', sizes: ['1x1'] }],
    instructions: 'A test server for the MCP conformance suite.',
  });
  addTools(mcp);
  addClientRequestTools(mcp);
  addResources(mcp);
  addPrompts(mcp);
  return mcp;
}

function addTools(mcp: NextMCP): void {
  mcp.tool('test_simple_text', { description: 'Returns simple text content' }, async () => 'This is a simple text response for testing.');
  mcp.tool('test_image_content', { description: 'Returns image content' }, async () => ({ content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }));
  mcp.tool('test_audio_content', { description: 'Returns audio content' }, async () => ({ content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }));
  mcp.tool('test_embedded_resource', { description: 'Returns an embedded resource' }, async () => ({
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }));
  mcp.tool('test_multiple_content_types', { description: 'Returns text, image and resource content' }, async () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }));
  mcp.tool('test_tool_with_logging', { description: 'Sends log messages while it runs' }, async (_args: unknown, ctx: ToolContext) => {
    for (const step of ['Tool execution started', 'Tool processing data', 'Tool execution completed']) {
      await ctx.log('info', step);
      await sleep(20);
    }
    return 'Tool with logging executed successfully';
  });
  mcp.tool('test_tool_with_progress', { description: 'Reports progress while it runs' }, async (_args: unknown, ctx: ToolContext) => {
    for (const progress of [0, 50, 100]) {
      await ctx.reportProgress(progress, 100, `Completed step ${progress} of 100`);
      await sleep(20);
    }
    return 'Tool with progress executed successfully';
  });
  mcp.tool('test_error_handling', { description: 'Always fails (the error becomes an isError result)' }, async () => {
    throw new Error('This tool intentionally returns an error for testing');
  });
  mcp.tool(
    'test_reconnection',
    { description: 'Closes its SSE stream mid-call; the client reconnects with Last-Event-ID and gets the result (SEP-1699)' },
    async (_args: unknown, ctx: ToolContext) => {
      ctx.closeSSEStream();
      await sleep(100);
      return 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.';
    },
  );
  mcp.tool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool whose input schema uses JSON Schema 2020-12 keywords (SEP-1613)',
      input: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
        properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
        additionalProperties: false,
      },
    },
    async (args: unknown) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`,
  );
}

/** Tools that send requests to the client: sampling and elicitation. */
function addClientRequestTools(mcp: NextMCP): void {
  mcp.tool(
    'test_sampling',
    { description: 'Asks the client for an LLM completion', input: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] } },
    async ({ prompt }: { prompt: string }, ctx: ToolContext) => {
      const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 });
      return `LLM response: ${result.content.type === 'text' ? result.content.text : result.content.type}`;
    },
  );
  mcp.tool(
    'test_elicitation',
    { description: 'Asks the user for input', input: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } },
    async ({ message }: { message: string }, ctx: ToolContext) => {
      const result = await ctx.elicit({
        message,
        requestedSchema: { type: 'object', properties: { response: { type: 'string', description: "User's response" } }, required: ['response'] },
      });
      return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  );
  mcp.tool('test_elicitation_sep1034_defaults', { description: 'Elicitation with a default for each primitive type (SEP-1034)' }, async (_args: unknown, ctx: ToolContext) => {
    const result = await ctx.elicit({
      message: 'Please review and update the form fields with defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      },
    });
    return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  });
  mcp.tool('test_elicitation_sep1330_enums', { description: 'Elicitation with every enum form (SEP-1330)' }, async (_args: unknown, ctx: ToolContext) => {
    const titled = (prefix: string, titles: string[]) => titles.map((title, i) => ({ const: `${prefix}${i + 1}`, title }));
    const result = await ctx.elicit({
      message: 'Please select options from the enum fields',
      requestedSchema: {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
          titledSingle: { type: 'string', description: 'Select one option with titles', oneOf: titled('value', ['First Option', 'Second Option', 'Third Option']) },
          legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: {
            type: 'array',
            description: 'Select multiple options with titles',
            minItems: 1,
            maxItems: 3,
            items: { anyOf: titled('value', ['First Choice', 'Second Choice', 'Third Choice']) },
          },
        },
        required: [],
      },
    });
    return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  });
}

function addResources(mcp: NextMCP): void {
  mcp.resource('test://static-text', { name: 'static-text', title: 'Static Text Resource', description: 'A static text resource', mimeType: 'text/plain' }, async () =>
    'This is the content of the static text resource.',
  );
  mcp.resource('test://static-binary', { name: 'static-binary', title: 'Static Binary Resource', description: 'A PNG image', mimeType: 'image/png' }, async () =>
    Buffer.from(PNG, 'base64'),
  );
  mcp.resource(
    'test://template/{id}/data',
    {
      name: 'template',
      title: 'Resource Template',
      description: 'A resource template with parameter substitution',
      mimeType: 'application/json',
      complete: { id: startingWith(['123', '456', '789']) },
    },
    async (_uri: URL, { id }: { id: string }) => ({ id, templateTest: true, data: `Data for ID: ${id}` }),
  );
  // Subscribable like every resource; the server would call mcp.notifyResourceUpdated('test://watched-resource') when it changes.
  mcp.resource('test://watched-resource', { name: 'watched-resource', title: 'Watched Resource', description: 'A resource clients may subscribe to', mimeType: 'text/plain' }, async () =>
    'Watched resource content',
  );
}

function addPrompts(mcp: NextMCP): void {
  mcp.prompt('test_simple_prompt', { title: 'Simple Test Prompt', description: 'A prompt without arguments' }, async () => 'This is a simple prompt for testing.');
  mcp.prompt(
    'test_prompt_with_arguments',
    {
      title: 'Prompt With Arguments',
      description: 'A prompt with required arguments',
      arguments: [
        { name: 'arg1', description: 'First test argument', required: true },
        { name: 'arg2', description: 'Second test argument', required: true },
      ],
      complete: { arg1: startingWith(['test', 'testing', 'tested', 'other']), arg2: startingWith(['alpha', 'beta']) },
    },
    async ({ arg1, arg2 }: { arg1: string; arg2: string }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  );
  mcp.prompt(
    'test_prompt_with_embedded_resource',
    {
      title: 'Prompt With Embedded Resource',
      description: 'A prompt that embeds a resource',
      arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
    },
    async ({ resourceUri }: { resourceUri: string }) => [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
  );
  mcp.prompt('test_prompt_with_image', { title: 'Prompt With Image', description: 'A prompt that includes an image' }, async () => [
    { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
    { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
  ]);
}
