import 'reflect-metadata';
import { container as rootContainer, inject, injectable, Lifecycle, scoped } from 'tsyringe';
import { AUTH_CONTEXT, AuthContext, NextMCP, StartupError, Tool, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';

const GREETING = Symbol('GREETING');

@injectable()
class Greeter {
  constructor(@inject(GREETING) private readonly greeting: string) {}
  greet(name: string) {
    return `${this.greeting}, ${name}`;
  }
}

@injectable()
class GreetingTools {
  static instances = 0;
  constructor(private readonly greeter: Greeter) {
    GreetingTools.instances++;
  }

  @Tool()
  hello(_args: unknown, ctx: ToolContext) {
    return this.greeter.greet(String(ctx.container.resolve(AUTH_CONTEXT) ?? 'anonymous'));
  }
}

@scoped(Lifecycle.ContainerScoped)
@injectable()
class PerRequestTools {
  constructor(@inject(AUTH_CONTEXT) private readonly auth: AuthContext | undefined) {}

  @Tool()
  whoami() {
    return this.auth ? this.auth.userId : 'nobody';
  }
}

describe('DI with tsyringe', () => {
  it('resolves tool classes from the server container with constructor injection (singleton by default)', async () => {
    const container = rootContainer.createChildContainer();
    container.register(GREETING, { useValue: 'Hej' });
    const mcp = new NextMCP({ name: 'di', version: '1', container });
    mcp.register(GreetingTools);
    const { client, close } = await connectTestClient(mcp);
    const a = await client.callTool({ name: 'hello', arguments: {} });
    await client.callTool({ name: 'hello', arguments: {} });
    await close();
    expect(a.content).toEqual([{ type: 'text', text: 'Hej, anonymous' }]);
    expect(GreetingTools.instances).toBe(1);
    expect(mcp.container).toBe(container);
  });

  it('defaults to a child of the root container', async () => {
    rootContainer.register(GREETING, { useValue: 'Hi' });
    const mcp = new NextMCP({ name: 'di', version: '1' });
    expect(mcp.container).not.toBe(rootContainer);
    expect(mcp.container.resolve(GREETING)).toBe('Hi');
    rootContainer.clearInstances();
  });

  it('registers AUTH_CONTEXT in a request-scoped child container', async () => {
    const mcp = new NextMCP({ name: 'di', version: '1' });
    mcp.register(PerRequestTools);
    mcp.use(async (ctx, next) => {
      ctx.auth = new AuthContext({ userId: 'u-42', provider: 'test' });
      return next();
    });
    const { client, close } = await connectTestClient(mcp);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    await close();
    expect(result.content).toEqual([{ type: 'text', text: 'u-42' }]);
    expect(mcp.container.isRegistered(AUTH_CONTEXT)).toBe(false);
  });

  it('reports a tool class that cannot be constructed at start-up', async () => {
    @injectable()
    class NeedsMissing {
      constructor(@inject('MISSING') readonly dep: unknown) {}
      @Tool() run() {}
    }
    const mcp = new NextMCP({ name: 'di', version: '1' });
    mcp.register(NeedsMissing);
    await expect(connectTestClient(mcp)).rejects.toThrow(StartupError);
    await expect(connectTestClient(mcp)).rejects.toThrow(/Cannot construct NeedsMissing/);
  });
});
