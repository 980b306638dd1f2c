import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { NextMCP, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';
import { AuthContext } from '../../src/auth/auth-context';
import { ConnectionAuthMemo } from '../../src/auth/connection-auth-memo';
import { CredentialDetachingTransport } from '../../src/server/transports/credential-detaching-transport';
import { carryAuth, detachIntoExtra, readCarriedAuth, readSentCredentials } from '../../src/pipeline/carried-auth';

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

  it('gives each connection token hashes of its own, never shared with another connection', async () => {
    const seen: unknown[] = [];
    const mcp = credentialServer().use((ctx, next) => {
      if (ctx.method === 'tools/call') seen.push(ctx.authMemo);
      return next();
    });
    const first = await connectTestClient(mcp, { credentials: { access_token: 'tok-1' } });
    const second = await connectTestClient(mcp, { credentials: { access_token: 'tok-2' } });
    for (const { client } of [first, second, first]) await client.callTool({ name: 'credentials', arguments: {} });
    await first.close();
    await second.close();
    expect(seen[0]).toBeInstanceOf(ConnectionAuthMemo);
    expect(seen[2]).toBe(seen[0]);
    expect(seen[1]).toBeInstanceOf(ConnectionAuthMemo);
    expect(seen[1]).not.toBe(seen[0]);
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

describe('CredentialDetachingTransport', () => {
  it('hands on a copy of a message without credentials, with every member it had', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const transport = new CredentialDetachingTransport(serverSide);
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    await clientSide.start();
    const sent = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 't', arguments: { a: 1 } }, extension: { x: true } } as unknown as JSONRPCMessage;
    await clientSide.send(sent);
    await clientSide.close();
    expect(received).toHaveLength(1);
    expect(received[0]).not.toBe(sent);
    expect(received[0]).toEqual(sent);
  });
});

describe('detachIntoExtra', () => {
  it('keeps what the transport already carried (a verified caller) beside the detached credentials', () => {
    const auth = new AuthContext({ userId: 'u', provider: 'jwt', scopes: ['read'] });
    const verified = carryAuth('verified-token', { auth });
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: { auth: { api_key: 'k' } } } };
    const { message: stripped, extra } = detachIntoExtra(message, { authInfo: verified });
    expect(stripped).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: undefined } });
    expect(readCarriedAuth(extra?.authInfo)?.auth).toBe(auth);
    expect(readSentCredentials(extra?.authInfo)).toEqual({ credentials: { api_key: 'k' } });
    expect(extra?.authInfo).toMatchObject({ token: 'verified-token', clientId: 'u', scopes: ['read'] });
  });

  it('leaves a message without credentials, and its extra, as they are', () => {
    const message = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const extra = { requestInfo: { headers: {} } };
    const detached = detachIntoExtra(message, extra);
    expect(detached.message).toBe(message);
    expect(detached.extra).toBe(extra);
  });
});

