import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import express from 'express';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { NextMCP, type Listener, type ToolContext } from '../../src';

function httpServer() {
  const mcp = new NextMCP({ name: 'http', version: '1' });
  mcp.tool('credentials', {}, async (_args: unknown, ctx: ToolContext) => ({
    credentials: ctx.request.credentials ?? null,
    transport: ctx.request.transport,
    sessionId: ctx.sessionId ?? null,
    meta: ctx.request.params._meta ?? null,
  }));
  return mcp;
}

async function connect(url: URL, headers?: Record<string, string>) {
  const client = new Client({ name: 'http-test', version: '1' });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

async function post(url: URL, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A raw request with a chosen Host header (fetch does not allow setting it). */
function rawPost(url: URL, host: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host, ...(origin && { origin }), 'content-type': 'application/json', accept: 'application/json, text/event-stream' } },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(initialize));
  });
}

describe('HTTP transport', () => {
  describe('stateful', () => {
    let mcp: NextMCP;
    let listener: Listener;
    beforeAll(async () => {
      mcp = httpServer();
      listener = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, path: '/mcp' });
    });
    afterAll(() => mcp.close());

    it('binds a free port and serves the SDK client with an MCP session id', async () => {
      expect(listener.url!.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const { client, transport } = await connect(listener.url!, { authorization: 'Bearer tok-header', 'x-api-key': 'key-1' });
      expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      const result = await client.callTool({ name: 'credentials', arguments: {} });
      expect(result.structuredContent).toEqual({
        credentials: { access_token: 'tok-header', api_key: 'key-1' },
        transport: 'http',
        sessionId: transport.sessionId,
        meta: null,
      });
      await transport.terminateSession();
      await client.close();
    });

    it('refuses a request without a session id that is not initialize, and an unknown session', async () => {
      const noSession = await post(listener.url!, { jsonrpc: '2.0', id: 5, method: 'tools/list' });
      expect(noSession.status).toBe(400);
      const unknown = await post(listener.url!, { jsonrpc: '2.0', id: 5, method: 'tools/list' }, { 'mcp-session-id': 'nope' });
      expect(unknown.status).toBe(404);
    });

    it('refuses credentials in an HTTP body (top-level auth member or params._meta.auth): 400 invalid_request, nothing runs', async () => {
      const init = await post(listener.url!, initialize);
      const sessionId = init.headers.get('mcp-session-id')!;
      await init.text();
      const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
      await (await post(listener.url!, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
      const bodies = [
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'credentials', arguments: {} }, auth: { access_token: 'tok-body' } },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'credentials', arguments: {}, _meta: { auth: { access_token: 'tok-meta' } } } },
      ];
      for (const body of bodies) {
        const response = await post(listener.url!, body, headers);
        expect(response.status).toBe(400);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
        const json = (await response.json()) as { error: { message: string } };
        expect(json).toMatchObject({ id: body.id, error: { code: -32600 } });
        expect(json.error.message).toMatch(/Authorization/);
        expect(JSON.stringify(json)).not.toContain('tok-');
      }
    });

    it('protects against DNS rebinding when bound to loopback', async () => {
      expect(await rawPost(listener.url!, 'evil.example:80')).toBe(403);
      expect(await rawPost(listener.url!, `127.0.0.1:${listener.url!.port}`, 'https://evil.example')).toBe(403);
      expect(await rawPost(listener.url!, `localhost:${listener.url!.port}`, `http://localhost:${listener.url!.port}`)).toBe(200);
    });

    it('limits the request body size and refuses bad JSON and media types', async () => {
      const big = { ...initialize, params: { ...initialize.params, padding: 'x'.repeat(2 * 1024 * 1024) } };
      expect((await post(listener.url!, big)).status).toBe(413);
      const bad = await post(listener.url!, '{not json');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
      const text = await fetch(listener.url!, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      expect(text.status).toBe(415);
    });
  });

  it('serves stateless requests without session ids', async () => {
    const mcp = httpServer();
    const listener = await mcp.listen({ transport: 'http', port: 0, stateless: true });
    try {
      const { client, transport } = await connect(listener.url!, { authorization: 'bearer lower-case-scheme' });
      expect(transport.sessionId).toBeUndefined();
      const result = await client.callTool({ name: 'credentials', arguments: {} });
      expect(result.structuredContent).toEqual({ credentials: { access_token: 'lower-case-scheme' }, transport: 'http', sessionId: null, meta: null });
      expect((await fetch(listener.url!, { method: 'GET' })).status).toBe(405);
      await client.close();
    } finally {
      await mcp.close();
    }
  });

  it('mounts in an existing express app with httpHandler()', async () => {
    const mcp = httpServer();
    const app = express();
    app.get('/health', (_req, res) => res.send('ok'));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    app.use(mcp.httpHandler({ path: '/mcp', resourceUrl: url.href, stateless: true }));
    try {
      const { client } = await connect(url);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['credentials']);
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe('ok');
      await client.close();
    } finally {
      await mcp.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('HTTP limits and mounted-handler host checks', () => {
  it('refuses new MCP sessions beyond maxSessions with 503', async () => {
    const mcp = httpServer();
    const listener = await mcp.listen({ transport: 'http', port: 0, maxSessions: 1 });
    try {
      const first = await post(listener.url!, initialize);
      expect(first.status).toBe(200);
      await first.text();
      const second = await post(listener.url!, initialize);
      expect(second.status).toBe(503);
      expect(((await second.json()) as { error: { message: string } }).error.message).toBe('Too many MCP sessions');
    } finally {
      await mcp.close();
    }
  });

  it('a mounted handler with allowedHosts refuses other Host headers', async () => {
    const mcp = httpServer();
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    server.on('request', mcp.httpHandler({ resourceUrl: url.href, stateless: true, allowedHosts: [`mcp.internal:${port}`] }));
    try {
      expect(await rawPost(url, `mcp.internal:${port}`)).toBe(200);
      expect(await rawPost(url, `evil.example:${port}`)).toBe(403);
    } finally {
      await mcp.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
