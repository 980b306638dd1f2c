import 'reflect-metadata';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ApiKeyProvider, NextMCP, createAuthMiddleware } from '../../src';
import { nextEchoServer } from '../../bench/fixtures/echo';
import { assertValidatesInput, connectNext, connectSdk, echoScenarios } from '../../bench/in-process/echo-client';
import { nextNoAuth, sdkBaseline } from '../../bench/in-process/scenarios';
import { runWindow } from '../../bench/lib/window';

/*
 * The in-process scenarios must measure the shape users write: a validated tool, credentials put in
 * `_meta.auth` by the calling code, and the load level named. These pin that machinery; no timing.
 */

describe('assertValidatesInput', () => {
  it('passes for the SDK McpServer and the NextMCP @Tool class of the bench (opening runs it)', async () => {
    for (const connection of [await sdkBaseline(), await nextNoAuth()]) {
      await expect(assertValidatesInput(connection)).resolves.toBeUndefined();
      await connection.close();
    }
  });

  it('refuses a NextMCP echo tool whose input is not validated', async () => {
    const mcp = new NextMCP({ name: 'unvalidated', version: '1.0.0' }).tool('echo', {}, async (args) => String((args as { text: unknown }).text));
    const connection = await connectNext('unvalidated NextMCP', mcp);
    try {
      await expect(assertValidatesInput(connection)).rejects.toThrow(/unvalidated NextMCP: .*must be refused with -32602.*answered/);
    } finally {
      await connection.close();
    }
  });

  it('refuses an SDK echo tool registered without an input schema', async () => {
    const server = new McpServer({ name: 'unvalidated', version: '1.0.0' });
    server.registerTool('echo', { description: 'Echo' }, async () => ({ content: [{ type: 'text', text: 'x' }] }));
    const connection = await connectSdk('unvalidated SDK', server);
    try {
      await expect(assertValidatesInput(connection)).rejects.toThrow(/unvalidated SDK: .*-32602/);
    } finally {
      await connection.close();
    }
  });

  it('refuses when the call fails for another reason than invalid input (here: no credentials)', async () => {
    const key = ApiKeyProvider.generateKey();
    const provider = new ApiKeyProvider({ keys: { [key]: { userId: 'u', scopes: ['echo'] } } });
    const connection = await connectNext('no credentials', nextEchoServer().use(createAuthMiddleware({ provider, requiredScopes: ['echo'] })));
    try {
      await expect(assertValidatesInput(connection)).rejects.toThrow(/failed with -31001/);
      await expect(assertValidatesInput({ ...connection, credentials: { api_key: key } })).resolves.toBeUndefined();
    } finally {
      await connection.close();
    }
  });
});

describe('echoScenarios', () => {
  it('names each load level and pairs it with the baseline at the same level', async () => {
    const connection = await nextNoAuth();
    try {
      const scenarios = echoScenarios(connection, [1, 32]);
      expect(scenarios.map((s) => [s.group, s.name, s.baseline])).toEqual([
        ['in-process', 'NextMCP, no auth [sequential]', 'SDK McpServer, no auth [sequential]'],
        ['in-process', 'NextMCP, no auth [32 in flight]', 'SDK McpServer, no auth [32 in flight]'],
      ]);
    } finally {
      await connection.close();
    }
  });

  it('sends the connection’s credentials in params._meta.auth of every call, at both load levels', async () => {
    const key = ApiKeyProvider.generateKey();
    const provider = new ApiKeyProvider({ keys: { [key]: { userId: 'u', scopes: ['echo'] } } });
    const withKey = await connectNext('key', nextEchoServer().use(createAuthMiddleware({ provider, requiredScopes: ['echo'] })), { credentials: { api_key: key } });
    const withoutKey = await connectNext('no key', nextEchoServer().use(createAuthMiddleware({ provider, requiredScopes: ['echo'] })));
    try {
      for (const scenario of echoScenarios(withKey, [1, 32])) {
        const sample = await scenario.measure(30);
        expect(sample.ops).toBeGreaterThan(0);
        expect(sample).toMatchObject({ errors: 0 });
      }
      const refused = await echoScenarios(withoutKey, [1])[0].measure(30);
      expect(refused.errors).toBe(refused.ops);
    } finally {
      await withKey.close();
      await withoutKey.close();
    }
  });

  it('counts requests that left the measured path as errors, with their meaning', async () => {
    let stray = 0;
    const connection = { ...(await nextNoAuth()), strayRequests: { count: () => stray, meaning: 'calls asked GitHub' } };
    try {
      const [scenario] = echoScenarios(connection, [1]);
      expect((await scenario.measure(10)).errors).toBe(0);
      stray = 0;
      const measuring = scenario.measure(10);
      stray += 3; // as if three calls of this window had reached the provider
      expect(await measuring).toMatchObject({ errors: 3, firstError: '3 calls asked GitHub' });
    } finally {
      await connection.close();
    }
  });

  it('closes the shared connection once, whichever level’s scenario closes it', async () => {
    const connection = await nextNoAuth();
    const close = jest.fn(connection.close);
    const scenarios = echoScenarios({ ...connection, close }, [1, 32]);
    await Promise.all(scenarios.map((s) => s.close()));
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('runWindow', () => {
  it('keeps exactly `inFlight` operations going at once', async () => {
    let running = 0;
    let most = 0;
    const operation = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return undefined;
    };
    await runWindow(operation, 20, 32);
    expect(most).toBe(32);
    most = 0;
    await runWindow(operation, 10, 1);
    expect(most).toBe(1);
  });
});
