import 'reflect-metadata';
import { NextMCP, AuthenticationError, type Middleware, type RequestContext } from '../../src';
import { compose } from '../../src/pipeline/middleware';
import { connectTestClient } from '../../src/testing';

function server() {
  const mcp = new NextMCP({ name: 'pipeline', version: '1.0.0' });
  mcp.tool('echo', { input: { type: 'object' } }, async (args: Record<string, unknown>) => ({ echoed: args }));
  mcp.resource('config://app', { mimeType: 'text/plain' }, async () => 'config');
  mcp.prompt('greet', {}, async () => 'Hello');
  return mcp;
}

describe('global middleware', () => {
  it('wraps every request kind in use() order, around the handler', async () => {
    const mcp = server();
    const seen: string[] = [];
    const tracer = (label: string): Middleware => async (ctx, next) => {
      seen.push(`${label}>${ctx.method}`);
      const result = await next();
      seen.push(`${label}<${ctx.method}`);
      return result;
    };
    mcp.use(tracer('a')).use(tracer('b'));
    const { client, close } = await connectTestClient(mcp);
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { x: 1 } });
    await client.listResources();
    await client.readResource({ uri: 'config://app' });
    await client.listPrompts();
    await client.getPrompt({ name: 'greet' });
    await close();
    const methods = ['tools/list', 'tools/call', 'resources/list', 'resources/read', 'prompts/list', 'prompts/get'];
    expect(seen).toEqual(methods.flatMap((m) => [`a>${m}`, `b>${m}`, `b<${m}`, `a<${m}`]));
  });

  it('can short-circuit: the handler does not run and the middleware result is returned', async () => {
    const mcp = new NextMCP({ name: 'pipeline', version: '1.0.0' });
    let handlerRan = false;
    mcp.tool('guarded', {}, async () => {
      handlerRan = true;
      return 'handler';
    });
    mcp.use(async (ctx, next) => (ctx.method === 'tools/call' ? { content: [{ type: 'text', text: 'from middleware' }] } : next()));
    const { client, close } = await connectTestClient(mcp);
    const result = await client.callTool({ name: 'guarded', arguments: {} });
    await close();
    expect(result.content).toEqual([{ type: 'text', text: 'from middleware' }]);
    expect(handlerRan).toBe(false);
  });

  it('can replace the result of the handler', async () => {
    const mcp = server();
    mcp.use(async (ctx, next) => {
      const result = (await next()) as { content: { type: string; text: string }[] };
      if (ctx.method !== 'tools/call') return result;
      return { ...result, content: [...result.content, { type: 'text', text: 'audited' }] };
    });
    const { client, close } = await connectTestClient(mcp);
    const result = await client.callTool({ name: 'echo', arguments: { a: 1 } });
    await close();
    expect(result.content).toEqual([
      { type: 'text', text: '{"echoed":{"a":1}}' },
      { type: 'text', text: 'audited' },
    ]);
  });

  it('turns a typed error thrown by middleware into a JSON-RPC error with code and data', async () => {
    const mcp = server();
    mcp.use(async () => {
      throw new AuthenticationError('Authentication required', { providers: ['corp'], requiredScopes: ['read'] });
    });
    const { client, close } = await connectTestClient(mcp);
    const error = await client.callTool({ name: 'echo', arguments: {} }).catch((e) => e);
    await close();
    expect(error.code).toBe(-31001);
    expect(error.data).toEqual({ error: 'authentication_required', providers: ['corp'], required_scopes: ['read'] });
  });

  it('gives middleware the request context: method, target, params, state, transport', async () => {
    const mcp = server();
    const contexts: RequestContext[] = [];
    mcp.use(async (ctx, next) => {
      ctx.state.startedBy = 'first';
      return next();
    });
    mcp.use(async (ctx, next) => {
      contexts.push(ctx);
      return next();
    });
    const { client, close } = await connectTestClient(mcp);
    await client.callTool({ name: 'echo', arguments: { q: 1 } });
    await close();
    const [ctx] = contexts;
    expect(ctx.method).toBe('tools/call');
    expect(ctx.target?.name).toBe('echo');
    expect(ctx.params.arguments).toEqual({ q: 1 });
    expect(ctx.state.startedBy).toBe('first');
    expect(ctx.transport).toBe('in-memory');
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(ctx.auth).toBeUndefined();
  });
});

describe('compose()', () => {
  const ctx = {} as RequestContext;

  it('refuses next() called twice', async () => {
    const run = compose([
      async (_c, next) => {
        await next();
        return next();
      },
    ]);
    await expect(run(ctx, async () => 'done')).rejects.toThrow('next() called more than once');
  });

  it('propagates a synchronous throw as a rejection', async () => {
    const run = compose([
      (() => {
        throw new Error('sync');
      }) as unknown as Middleware,
    ]);
    await expect(run(ctx, async () => 'done')).rejects.toThrow('sync');
  });

  it('with no middleware, runs the terminal', async () => {
    await expect(compose([])(ctx, async () => 'terminal')).resolves.toBe('terminal');
  });
});
