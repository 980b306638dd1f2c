import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { NextMCP, StartupError } from '../../src';
import { connectTestClient } from '../../src/testing';

/*
 * tsx, esbuild and most bundlers emit no `design:paramtypes`. The fixture below is compiled the way
 * they compile it (TypeScript's transpileModule with emitDecoratorMetadata off), written to a temp
 * file and required, so the scanner sees exactly what such a build gives it.
 */

const imports = {
  nextmcp: resolve(__dirname, '../../src/index.ts'),
  validator: require.resolve('class-validator'),
};

const fixture = `
import { Tool, Prompt, type ToolContext } from ${JSON.stringify(imports.nextmcp)};
import { IsString } from ${JSON.stringify(imports.validator)};

export class DeleteNoteInput { @IsString() id!: string }

export class TypedOnly {
  @Tool()
  deleteNote(input: DeleteNoteInput) { return \`deleted \${input.id}\`; }
}

export class NamedInput {
  @Tool({ input: DeleteNoteInput })
  deleteNote(input: DeleteNoteInput) { return { isDto: input instanceof DeleteNoteInput, id: input.id }; }

  @Tool({ input: { type: 'object', properties: { text: { type: 'string' } } } })
  echo(args: Record<string, unknown>) { return args; }

  @Tool()
  ping() { return 'pong'; }

  @Tool()
  withDefault(_input: unknown = {}, ctx?: ToolContext) { return String(ctx?.requestId !== undefined); }
}

export class UntypedPrompt {
  @Prompt('review')
  review(args: { code: string }) { return args.code; }
}

export class ListedPrompt {
  @Prompt('review', { arguments: [{ name: 'code', required: true }] })
  review(args: { code: string }) { return \`review \${args.code}\`; }
}

export class SchemaPrompt {
  @Prompt('review', { input: { type: 'object', properties: { code: { type: 'string' } } }, arguments: [{ name: 'code', required: true }] })
  review(args: { code: string }) { return \`review \${args.code}\`; }
}
`;

type Fixture = Record<'TypedOnly' | 'NamedInput' | 'UntypedPrompt' | 'ListedPrompt' | 'SchemaPrompt', new () => object>;

const work = mkdtempSync(join(tmpdir(), 'nextmcp-no-metadata-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function compile(emitDecoratorMetadata: boolean, source = fixture, experimentalDecorators = true): Fixture {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators,
      emitDecoratorMetadata,
    },
  });
  // `.cjs`: jest's transform (which would emit metadata) leaves it as compiled.
  const file = join(work, `fixture-${experimentalDecorators ? '' : 'tc39-'}${emitDecoratorMetadata ? 'with' : 'without'}-metadata.cjs`);
  writeFileSync(file, outputText);
  return require(file);
}

describe('a tool class compiled without decorator metadata', () => {
  const bare = compile(false);

  it('is refused at register() when a method takes an input parameter and names no input', () => {
    const mcp = new NextMCP({ name: 't', version: '1' });
    const error = (() => {
      try {
        mcp.register(bare.TypedOnly);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(StartupError);
    expect(error!.message).toContain('TypedOnly.deleteNote takes an input parameter, but no decorator metadata was emitted');
    expect(error!.message).toContain('"emitDecoratorMetadata": true');
    expect(error!.message).toContain('@Tool({ input: YourDto })');
    expect(error!.message).toContain("@Tool({ input: { type: 'object'");
    expect(mcp.registry.all()).toEqual([]);
  });

  it('works with input: a DTO (validated), a JSON Schema (as sent), no parameters, or a defaulted one', async () => {
    const mcp = new NextMCP({ name: 't', version: '1' });
    mcp.register(bare.NamedInput);
    const { client, close } = await connectTestClient(mcp);
    try {
      const invalid = await client.callTool({ name: 'deleteNote', arguments: { id: 42 } }).catch((e) => e);
      expect(invalid.code).toBe(-32602);
      expect(invalid.message).toContain('id');
      const valid = await client.callTool({ name: 'deleteNote', arguments: { id: 'n1' } });
      expect(valid.structuredContent).toEqual({ isDto: true, id: 'n1' });
      const echoed = await client.callTool({ name: 'echo', arguments: { text: 'hi', extra: 1 } });
      expect(echoed.structuredContent).toEqual({ text: 'hi', extra: 1 });
      expect((await client.callTool({ name: 'ping', arguments: {} })).content).toEqual([{ type: 'text', text: 'pong' }]);
      expect((await client.callTool({ name: 'withDefault', arguments: {} })).content).toEqual([{ type: 'text', text: 'true' }]);
    } finally {
      await close();
    }
  });

  it('refuses a prompt taking arguments unless it names its input (listing the arguments is not enough)', async () => {
    expect(() => new NextMCP({ name: 't', version: '1' }).register(bare.UntypedPrompt)).toThrow(
      /UntypedPrompt\.review takes an input parameter.*@Prompt\(name, \{ input: YourDto \}\)/s,
    );
    expect(() => new NextMCP({ name: 't', version: '1' }).register(bare.ListedPrompt)).toThrow(StartupError);
    const mcp = new NextMCP({ name: 't', version: '1' });
    mcp.register(bare.SchemaPrompt);
    const { client, close } = await connectTestClient(mcp);
    try {
      const prompt = await client.getPrompt({ name: 'review', arguments: { code: 'x = 1' } });
      expect(prompt.messages[0].content).toEqual({ type: 'text', text: 'review x = 1' });
    } finally {
      await close();
    }
  });
});

describe('the same class compiled with decorator metadata', () => {
  it('takes the DTO from the parameter type and validates', async () => {
    const withMetadata = compile(true);
    const mcp = new NextMCP({ name: 't', version: '1' });
    mcp.register(withMetadata.TypedOnly, withMetadata.UntypedPrompt);
    const { client, close } = await connectTestClient(mcp);
    try {
      const invalid = await client.callTool({ name: 'deleteNote', arguments: { id: 42 } }).catch((e) => e);
      expect(invalid.code).toBe(-32602);
      expect((await client.callTool({ name: 'deleteNote', arguments: { id: 'n1' } })).content).toEqual([{ type: 'text', text: 'deleted n1' }]);
    } finally {
      await close();
    }
  });
});

describe('a tool class compiled with TC39 decorators (no experimentalDecorators)', () => {
  it('fails where the class is defined, saying which tsconfig lines are missing', () => {
    const source = `
      import { Tool } from ${JSON.stringify(imports.nextmcp)};
      export class Tools { @Tool() ping() { return 'pong'; } }
    `;
    expect(() => compile(false, source, false)).toThrow(
      /@Tool\(\) is a TypeScript legacy decorator: set "experimentalDecorators": true and "emitDecoratorMetadata": true/,
    );
  });
});
