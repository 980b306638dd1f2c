import 'reflect-metadata';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { JSONSchema, NextMCP, Resource, StartupError, Tool, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';

enum Priority {
  Low = 'low',
  High = 'high',
}

class Address {
  @IsString() city!: string;
  @IsOptional() @IsString() zip?: string;
}

class CreateTicketInput {
  @JSONSchema({ description: 'Short summary of the problem' })
  @IsString()
  @MaxLength(80)
  title!: string;

  @IsInt() @Min(1) @Max(10) severity!: number;
  @IsOptional() @IsNumber() estimate?: number;
  @IsBoolean() urgent!: boolean;
  @IsEnum(Priority) priority!: Priority;
  @IsArray() @ArrayNotEmpty() @IsString({ each: true }) tags!: string[];
  @ValidateNested() @Type(() => Address) address!: Address;
}

const calls: unknown[] = [];

class TicketTools {
  @Tool({ description: 'Create a ticket', annotations: { idempotentHint: false } })
  createTicket(input: CreateTicketInput) {
    calls.push(input);
    return { created: true, isInstance: input instanceof CreateTicketInput, address: input.address instanceof Address };
  }

  @Tool({ name: 'raw_echo', input: { type: 'object', properties: { anything: { type: 'string' } } } })
  rawEcho(args: Record<string, unknown>) {
    return args;
  }

  @Tool()
  noInput(_args: unknown, ctx: ToolContext) {
    return `request ${String(ctx.requestId)}`;
  }

  @Tool()
  passthrough() {
    return { content: [{ type: 'text', text: 'as is' }], isError: false };
  }

  @Tool()
  explode(): never {
    throw new Error('the disk is full');
  }

  @Tool()
  list() {
    return [1, 2, 3];
  }
}

async function setup() {
  const mcp = new NextMCP({ name: 'tickets', version: '1.0.0' });
  mcp.register(TicketTools);
  mcp.tool('ping', { description: 'Health' }, async () => 'pong');
  const tc = await connectTestClient(mcp);
  return { mcp, ...tc };
}

describe('tools over the real SDK client', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(() => ctx.close());
  beforeEach(() => {
    calls.length = 0;
  });

  it('lists tools with a JSON Schema generated from the DTO', async () => {
    const { tools } = await ctx.client.listTools();
    const create = tools.find((t) => t.name === 'createTicket')!;
    expect(create.description).toBe('Create a ticket');
    expect(create.annotations).toEqual({ idempotentHint: false });
    const schema = create.inputSchema as Record<string, any>;
    expect(schema.type).toBe('object');
    expect(schema.required.sort()).toEqual(['address', 'priority', 'severity', 'tags', 'title', 'urgent']);
    expect(schema.properties.title).toEqual({ type: 'string', maxLength: 80, description: 'Short summary of the problem' });
    expect(schema.properties.severity).toMatchObject({ type: 'integer', minimum: 1, maximum: 10 });
    expect(schema.properties.estimate).toEqual({ type: 'number' });
    expect(schema.properties.urgent).toEqual({ type: 'boolean' });
    expect(schema.properties.priority).toMatchObject({ type: 'string', enum: ['low', 'high'] });
    expect(schema.properties.tags).toMatchObject({ type: 'array', items: { type: 'string' }, minItems: 1 });
    expect(schema.properties.address).toEqual({ $ref: '#/$defs/Address' });
    expect(schema.$defs.Address).toMatchObject({ type: 'object', required: ['city'], properties: { city: { type: 'string' } } });
  });

  it('lists tools without input and with a plain schema', async () => {
    const { tools } = await ctx.client.listTools();
    expect(tools.find((t) => t.name === 'noInput')!.inputSchema).toEqual({ type: 'object', properties: {} });
    expect(tools.find((t) => t.name === 'raw_echo')!.inputSchema).toEqual({ type: 'object', properties: { anything: { type: 'string' } } });
    expect(tools.find((t) => t.name === 'ping')!.description).toBe('Health');
  });

  it('validates and transforms arguments into the DTO before the handler', async () => {
    const result = await ctx.client.callTool({
      name: 'createTicket',
      arguments: { title: 'Printer', severity: 3, urgent: true, priority: 'high', tags: ['hw'], address: { city: 'Oslo' } },
    });
    expect(result.structuredContent).toEqual({ created: true, isInstance: true, address: true });
    expect(calls).toHaveLength(1);
  });

  it('answers invalid arguments with -32602 naming each property and constraint; the handler never runs', async () => {
    const error = await ctx.client
      .callTool({
        name: 'createTicket',
        arguments: { title: 42, severity: 11, urgent: 'yes', priority: 'urgent', tags: [], address: { city: 7 } },
      })
      .catch((e) => e);
    expect(error.code).toBe(-32602);
    for (const fragment of ['title', 'isString', 'severity', 'max', 'urgent', 'isBoolean', 'priority', 'isEnum', 'tags', 'arrayNotEmpty', 'address.city']) {
      expect(error.message).toContain(fragment);
    }
    const properties = error.data.violations.map((v: { property: string }) => v.property);
    expect(properties).toEqual(expect.arrayContaining(['title', 'severity', 'urgent', 'priority', 'tags', 'address.city']));
    expect(error.message).not.toMatch(/MCP error -32602: MCP error/);
    expect(calls).toHaveLength(0);
  });

  it('refuses non-object arguments and strips unknown properties', async () => {
    const stripped = await ctx.client.callTool({
      name: 'createTicket',
      arguments: { title: 'x', severity: 1, urgent: false, priority: 'low', tags: ['a'], address: { city: 'c' }, _auth_context: { userId: 'admin' } },
    });
    expect(stripped.isError).toBeFalsy();
    expect(calls[0]).not.toHaveProperty('_auth_context');
  });

  it('passes arguments of a plain-schema tool through as sent', async () => {
    const result = await ctx.client.callTool({ name: 'raw_echo', arguments: { anything: 'goes', extra: 1 } });
    expect(result.structuredContent).toEqual({ anything: 'goes', extra: 1 });
  });

  it('normalizes results: string, CallToolResult, object, array', async () => {
    expect((await ctx.client.callTool({ name: 'ping', arguments: {} })).content).toEqual([{ type: 'text', text: 'pong' }]);
    expect((await ctx.client.callTool({ name: 'passthrough', arguments: {} })).content).toEqual([{ type: 'text', text: 'as is' }]);
    const list = await ctx.client.callTool({ name: 'list', arguments: {} });
    expect(list.content).toEqual([{ type: 'text', text: '[1,2,3]' }]);
    expect(list.structuredContent).toBeUndefined();
  });

  it('turns an ordinary thrown error into an isError result with its message', async () => {
    const result = await ctx.client.callTool({ name: 'explode', arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'the disk is full' }]);
  });

  it('answers an unknown tool with -32602', async () => {
    await expect(ctx.client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: nope') });
  });
});

describe('start-up errors', () => {
  it('refuses duplicate tool names, naming both declarations', () => {
    class A {
      @Tool({ name: 'same' }) one() {}
    }
    class B {
      @Tool({ name: 'same' }) two() {}
    }
    const mcp = new NextMCP({ name: 'x', version: '1' }).register(A);
    expect(() => mcp.register(B)).toThrow(StartupError);
    expect(() => new NextMCP({ name: 'x', version: '1' }).register(A).tool('same', {}, () => 1)).toThrow(
      /Duplicate tool name "same": declared by A.one and by mcp.tool\("same"\)/,
    );
  });

  it('refuses a decorator on a property', () => {
    expect(() => {
      class C {
        // @ts-expect-error: @Tool is for methods
        @Tool() notAMethod = 1;
      }
      return C;
    }).toThrow(/@Tool\(\) decorates methods; C.notAMethod is not a method/);
  });

  it('refuses a resource URI template that does not parse', () => {
    class R {
      @Resource('users://{id') broken() {}
    }
    expect(() => new NextMCP({ name: 'x', version: '1' }).register(R)).toThrow(/URI template "users:\/\/\{id" does not parse/);
  });

  it('refuses a DTO class with no validation decorators', () => {
    class Bare {
      name!: string;
    }
    class T {
      @Tool() run(_input: Bare) {}
    }
    expect(() => new NextMCP({ name: 'x', version: '1' }).register(T)).toThrow(/input class Bare has no class-validator decorators/);
  });

  it('refuses a class with no targets', () => {
    class Empty {}
    expect(() => new NextMCP({ name: 'x', version: '1' }).register(Empty)).toThrow(/has no @Tool, @Resource or @Prompt methods/);
  });
});
