import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { NextMCP, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { detachIntoExtra, readCarried } from '../../src/pipeline/carried-auth';

function credentialServer() {
  const mcp = new NextMCP({ name: 'creds', version: '1' });
  mcp.tool('credentials', {}, async (_args: unknown, ctx: ToolContext) => ({
    credentials: ctx.request.credentials ?? null,
    transport: ctx.request.transport,
    auth: ctx.auth ?? null,
    meta: ctx.request.params._meta ?? null,
  }));
  return mcp;
}

/** Sends raw JSON-RPC (which the SDK Client cannot produce) and resolves with the response. */
async function rawInMemoryCall(mcp: NextMCP, message: Record<string, unknown>): Promise<JSONRPCMessage> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverSide);
  const response = new Promise<JSONRPCMessage>((resolve) => {
    clientSide.onmessage = resolve;
  });
  await clientSide.start();
  await clientSide.send(message as JSONRPCMessage);
  const result = await response;
  await clientSide.close();
  return result;
}

function structured(response: JSONRPCMessage): Record<string, unknown> {
  return (response as unknown as { result: { structuredContent: Record<string, unknown> } }).result.structuredContent;
}

describe('credential extraction', () => {
  it('reads params._meta.auth sent by the SDK client', async () => {
    const { client, close } = await connectTestClient(credentialServer(), { credentials: { access_token: 'tok-meta' } });
    const result = await client.callTool({ name: 'credentials', arguments: {} });
    await close();
    // Taken out of the message: the handler's params carry no _meta with them.
    expect(result.structuredContent).toMatchObject({ credentials: { access_token: 'tok-meta' }, transport: 'in-memory', auth: null, meta: null });
  });

  it("lifts the seed's top-level JSON-RPC auth member into ctx.credentials (in memory)", async () => {
    const response = await rawInMemoryCall(credentialServer(), {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'credentials', arguments: {} },
      auth: { access_token: 'tok-top', provider: 'google' },
    });
    expect(structured(response).credentials).toEqual({ access_token: 'tok-top', provider: 'google' });
  });

  it('takes credentials out of the message before the SDK and the handler see it, keeping the rest of _meta', async () => {
    const message = {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'credentials', arguments: {}, _meta: { progressToken: 'p-1', auth: { access_token: 'tok-in-meta' } } },
    };
    const sent = JSON.parse(JSON.stringify(message)) as Record<string, unknown>;
    const response = await rawInMemoryCall(credentialServer(), sent);
    expect(structured(response).credentials).toEqual({ access_token: 'tok-in-meta' });
    expect(structured(response).meta).toEqual({ progressToken: 'p-1' });
    // The sender's own object is not changed.
    expect(sent).toEqual(message);
  });

  it('prefers the top-level auth member over params._meta.auth, and removes both', async () => {
    const response = await rawInMemoryCall(credentialServer(), {
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'credentials', arguments: {}, _meta: { auth: { access_token: 'tok-meta' } } },
      auth: { access_token: 'tok-top' },
    });
    expect(structured(response).credentials).toEqual({ access_token: 'tok-top' });
    expect(structured(response).meta).toBeNull();
  });

  it('ignores an injected _auth_context: a client can never set ctx.auth', async () => {
    const response = await rawInMemoryCall(credentialServer(), {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        name: 'credentials',
        arguments: { _auth_context: { userId: 'admin', scopes: ['*'] } },
        _auth_context: { userId: 'admin' },
        _meta: { _auth_context: { userId: 'admin' } },
      },
    });
    expect(structured(response).auth).toBeNull();
    expect(structured(response).credentials).toBeNull();
  });

  it("lifts the top-level auth member on stdio", async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/fixtures/stdio-server.ts'], {
      cwd: `${__dirname}/../..`,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const responses: Record<string, unknown>[] = [];
      const next = () => once(lines, 'line').then(([line]) => JSON.parse(line as string));
      const send = (m: unknown) => child.stdin!.write(JSON.stringify(m) + '\n');
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      responses.push(await next());
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'credentials', arguments: {} }, auth: { access_token: 'tok-stdio' } });
      responses.push(await next());
      expect(responses[0]).toMatchObject({ id: 1, result: { serverInfo: { name: 'stdio-fixture' } } });
      expect(responses[1]).toMatchObject({
        id: 2,
        result: { structuredContent: { credentials: { access_token: 'tok-stdio' }, transport: 'stdio', meta: null } },
      });
      send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'credentials', arguments: {}, _meta: { auth: { access_token: 'tok-meta' }, trace: 't' } } });
      expect(await next()).toMatchObject({
        id: 3,
        result: { structuredContent: { credentials: { access_token: 'tok-meta' }, transport: 'stdio', meta: { trace: 't' } } },
      });
    } finally {
      child.kill();
    }
  }, 30_000);
});

describe('default credentials of a connection', () => {
  it('go with every in-memory message that carries none; a message\'s own credentials win', async () => {
    const mcp = credentialServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide, { credentials: { access_token: 'tok-default' } });
    const client = new Client({ name: 'defaults', version: '1' });
    await client.connect(clientSide);
    const plain = await client.callTool({ name: 'credentials', arguments: {} });
    const own = await client.callTool({ name: 'credentials', arguments: {}, _meta: { auth: { api_key: 'key-own' } } });
    await client.close();
    expect(plain.structuredContent).toMatchObject({ credentials: { access_token: 'tok-default' }, meta: null });
    expect(own.structuredContent).toMatchObject({ credentials: { api_key: 'key-own' }, meta: null });
  });

  it('without a value (an unset environment variable) are no credentials at all', async () => {
    const mcp = credentialServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide, { credentials: { access_token: undefined, provider: 'github' } });
    const client = new Client({ name: 'unset', version: '1' });
    await client.connect(clientSide);
    const plain = await client.callTool({ name: 'credentials', arguments: {} });
    await client.close();
    expect(plain.structuredContent).toMatchObject({ credentials: null });
  });
});

describe('default credentials on stdio', () => {
  it('come from listen({ transport: "stdio", credentials }) for messages without their own', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/fixtures/stdio-server.ts'], {
      cwd: `${__dirname}/../..`,
      env: { ...process.env, STDIO_FIXTURE_TOKEN: 'tok-from-env' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const next = () => once(lines, 'line').then(([line]) => JSON.parse(line as string));
      const send = (m: unknown) => child.stdin!.write(JSON.stringify(m) + '\n');
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      await next();
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'credentials', arguments: {} } });
      expect(await next()).toMatchObject({ id: 2, result: { structuredContent: { credentials: { access_token: 'tok-from-env' } } } });
      send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'credentials', arguments: {} }, auth: { api_key: 'own' } });
      expect(await next()).toMatchObject({ id: 3, result: { structuredContent: { credentials: { api_key: 'own' } } } });
    } finally {
      child.kill();
    }
  }, 30_000);
});

describe('detachIntoExtra', () => {
  it('takes the credentials out and carries them beside the message', () => {
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: { auth: { api_key: 'k' }, trace: 'x' } } };
    const { message: stripped, extra } = detachIntoExtra(message, undefined);
    expect(stripped).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: { trace: 'x' } } });
    expect(message.params._meta.auth).toEqual({ api_key: 'k' });
    expect(readCarried(extra?.authInfo)).toEqual({ credentials: { api_key: 'k' } });
  });

  it('leaves a message without credentials, and its extra, as they are', () => {
    const message = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const extra = { requestInfo: { headers: {} } };
    const detached = detachIntoExtra(message, extra);
    expect(detached.message).toBe(message);
    expect(detached.extra).toBe(extra);
  });

  it('looks only at the top level of a message, however deeply nested its params are', () => {
    let nested: unknown = { auth: { access_token: 'deep' } };
    for (let i = 0; i < 10_000; i++) nested = [nested];
    const message = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 't', arguments: { nested } } };
    expect(detachIntoExtra(message).message).toBe(message);
  });
});
