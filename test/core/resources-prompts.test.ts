import 'reflect-metadata';
import { IsOptional, IsString } from 'class-validator';
import { JSONSchema, NextMCP, Prompt, Resource, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';

class ReviewArgs {
  @JSONSchema({ description: 'The code to review' }) @IsString() code!: string;
  @IsOptional() @IsString() language?: string;
}

class Docs {
  @Resource('docs://readme', { description: 'The readme', mimeType: 'text/markdown' })
  readme() {
    return '# Readme';
  }

  @Resource('users://{id}/profile', { name: 'profile', mimeType: 'application/json' })
  profile(uri: URL, variables: { id: string }, ctx: ToolContext) {
    return { id: variables.id, host: uri.host, hasContext: typeof ctx.reportProgress === 'function' };
  }

  @Resource('blob://logo')
  logo() {
    return new Uint8Array([1, 2, 3]);
  }

  @Prompt('review', { description: 'Review code' })
  review(args: ReviewArgs) {
    return `Review this ${args.language ?? 'code'}:\n${args.code}`;
  }

  @Prompt()
  conversation() {
    return [
      { role: 'user', content: { type: 'text', text: 'hi' } },
      { role: 'assistant', content: { type: 'text', text: 'hello' } },
    ];
  }
}

describe('resources and prompts', () => {
  let tc: Awaited<ReturnType<typeof connectTestClient>>;
  beforeAll(async () => {
    const mcp = new NextMCP({ name: 'docs', version: '1' }).register(Docs);
    tc = await connectTestClient(mcp);
  });
  afterAll(() => tc.close());

  it('lists fixed resources and templates separately', async () => {
    const { resources } = await tc.client.listResources();
    expect(resources).toEqual([
      { uri: 'docs://readme', name: 'readme', description: 'The readme', mimeType: 'text/markdown' },
      { uri: 'blob://logo', name: 'logo' },
    ]);
    const { resourceTemplates } = await tc.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([{ uriTemplate: 'users://{id}/profile', name: 'profile', mimeType: 'application/json' }]);
  });

  it('reads fixed, templated and binary resources', async () => {
    expect((await tc.client.readResource({ uri: 'docs://readme' })).contents).toEqual([
      { uri: 'docs://readme', mimeType: 'text/markdown', text: '# Readme' },
    ]);
    const profile = await tc.client.readResource({ uri: 'users://42/profile' });
    expect(JSON.parse((profile.contents[0] as { text: string }).text)).toEqual({ id: '42', host: '42', hasContext: true });
    expect((await tc.client.readResource({ uri: 'blob://logo' })).contents).toEqual([
      { uri: 'blob://logo', mimeType: 'application/octet-stream', blob: Buffer.from([1, 2, 3]).toString('base64') },
    ]);
  });

  it('answers an unknown resource with -32002', async () => {
    await expect(tc.client.readResource({ uri: 'docs://missing' })).rejects.toMatchObject({ code: -32002 });
  });

  it('lists prompts with arguments derived from the DTO', async () => {
    const { prompts } = await tc.client.listPrompts();
    expect(prompts).toEqual([
      {
        name: 'review',
        description: 'Review code',
        arguments: [
          { name: 'code', description: 'The code to review', required: true },
          { name: 'language', required: false },
        ],
      },
      { name: 'conversation', arguments: [] },
    ]);
  });

  it('gets prompts, validating arguments', async () => {
    const review = await tc.client.getPrompt({ name: 'review', arguments: { code: 'x = 1', language: 'python' } });
    expect(review).toEqual({
      description: 'Review code',
      messages: [{ role: 'user', content: { type: 'text', text: 'Review this python:\nx = 1' } }],
    });
    expect((await tc.client.getPrompt({ name: 'conversation' })).messages).toHaveLength(2);
    await expect(tc.client.getPrompt({ name: 'review', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('code'),
    });
    await expect(tc.client.getPrompt({ name: 'nope' })).rejects.toMatchObject({ code: -32602 });
  });
});
