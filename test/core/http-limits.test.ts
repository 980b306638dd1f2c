import 'reflect-metadata';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import express from 'express';
import { ApiKeyProvider, NextMCP, createAuthMiddleware, type HttpServerOptions, type Listener, type ToolContext } from '../../src';

/*
 * The HTTP limits of DESIGN §5, seen from a client: session caps (global, per user, idle), body
 * size and depth, receive timeouts and the connection cap, and that no hostile body gets a 500,
 * a stack trace in the log, or a broken connection.
 */

const KEYS = { 'key-alice': { userId: 'alice' }, 'key-bob': { userId: 'bob' } };
const ALICE = { 'x-api-key': 'key-alice' };
const BOB = { 'x-api-key': 'key-bob' };

function limitedServer(options: { auth?: boolean } = {}) {
  const mcp = new NextMCP({ name: 'limits', version: '1' });
  mcp.tool('whoami', {}, async (_args: unknown, ctx: ToolContext) => ({ user: ctx.auth?.userId ?? null }));
  mcp.tool('slow', {}, async () => {
    await delay(1200);
    return { done: true };
  });
  if (options.auth) mcp.use(createAuthMiddleware({ provider: new ApiKeyProvider({ keys: KEYS }) }));
  return mcp;
}

const PROTOCOL = '2025-06-18';
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

function post(url: URL, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Opens an MCP session with a raw `initialize`; resolves to its id. */
async function openSession(url: URL, headers: Record<string, string> = {}): Promise<string> {
  const response = await post(url, initialize, headers);
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get('mcp-session-id')!;
}

/** The status a `ping` in the session gets: 200 while it lives, 404 once it is closed. */
async function pingStatus(url: URL, sessionId: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await post(url, { jsonrpc: '2.0', id: 7, method: 'ping' }, { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL, ...headers });
  await response.text();
  return response.status;
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

async function withListener(options: Partial<HttpServerOptions>, run: (url: URL) => Promise<void>, server = limitedServer()): Promise<void> {
  const listener: Listener = await server.listen({ transport: 'http', port: 0, enableJsonResponse: true, ...options });
  try {
    await run(listener.url!);
  } finally {
    await server.close();
  }
}

/** A raw HTTP/1.1 exchange on one keep-alive connection, so tests can see that the socket survives. */
function keepAliveRequest(agent: Agent, url: URL, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string; reusedSocket: boolean }>((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text, reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves with what the server sent before closing `socket`, or 'still open' after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const timer = setTimeout(() => resolve('still open'), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => undefined);
  });
}

function openSocket(url: URL): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('HTTP session limits', () => {
  it('opens exactly maxSessions of 64 simultaneous initializes; the rest get 503 with Retry-After', async () => {
    await withListener({ maxSessions: 10 }, async (url) => {
      const responses = await Promise.all(Array.from({ length: 64 }, () => post(url, initialize)));
      await Promise.all(responses.map((r) => r.text()));

      const opened = responses.filter((r) => r.status === 200);
      const refused = responses.filter((r) => r.status === 503);
      expect(opened).toHaveLength(10);
      expect(refused).toHaveLength(54);
      for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      const ids = new Set(opened.map((r) => r.headers.get('mcp-session-id')));
      expect(ids.size).toBe(10);
      for (const id of ids) expect(await pingStatus(url, id!)).toBe(200);
    });
  });

  it('gives a slot back when a session is closed or never initializes', async () => {
    await withListener({ maxSessions: 1 }, async (url) => {
      // An initialize the SDK refuses (no protocol version) takes no slot for good.
      const broken = await post(url, { ...initialize, params: { capabilities: {} } });
      expect(broken.status).toBe(400);
      const id = await openSession(url);
      expect((await post(url, initialize)).status).toBe(503);

      const ended = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL } });
      expect(ended.status).toBe(200);
      expect(await openSession(url)).not.toBe(id);
    });
  });

  it("closes the user's own least recently used session past maxSessionsPerUser, never another user's", async () => {
    await withListener(
      { maxSessionsPerUser: 2 },
      async (url) => {
        const bobs = await openSession(url, BOB);
        const first = await openSession(url, ALICE);
        const second = await openSession(url, ALICE);
        expect(await pingStatus(url, first, ALICE)).toBe(200); // `second` is now the least recently used

        const third = await openSession(url, ALICE);

        expect(await pingStatus(url, second, ALICE)).toBe(404);
        expect(await pingStatus(url, first, ALICE)).toBe(200);
        expect(await pingStatus(url, third, ALICE)).toBe(200);
        expect(await pingStatus(url, bobs, BOB)).toBe(200);
        // Sessions stay their owner's: bob cannot use alice's.
        expect(await pingStatus(url, first, BOB)).toBe(404);
      },
      limitedServer({ auth: true }),
    );
  });

  it('past maxSessionsPerUser, keeps a session whose stream is open over an older idle one', async () => {
    await withListener(
      { maxSessionsPerUser: 2 },
      async (url) => {
        const listening = await openSession(url, ALICE);
        const stream = await fetch(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': listening, 'mcp-protocol-version': PROTOCOL, ...ALICE } });
        expect(stream.status).toBe(200);
        const idle = await openSession(url, ALICE);

        await openSession(url, ALICE);

        expect(await pingStatus(url, idle, ALICE)).toBe(404);
        expect(await pingStatus(url, listening, ALICE)).toBe(200);
        await stream.body!.cancel();
      },
      limitedServer({ auth: true }),
    );
  });

  it('closes a session after sessionIdleTimeoutMs without requests or open streams, not before', async () => {
    await withListener({ sessionIdleTimeoutMs: 1000 }, async (url) => {
      const busy = await openSession(url);
      const idle = await openSession(url);
      const streaming = await openSession(url);
      // An open GET stream keeps its session alive however long it stays open.
      const stream = await fetch(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': streaming, 'mcp-protocol-version': PROTOCOL } });
      expect(stream.status).toBe(200);

      const until = Date.now() + 2500;
      while (Date.now() < until) expect(await pingStatus(url, busy)).toBe(200);

      expect(await pingStatus(url, idle)).toBe(404);
      expect(await pingStatus(url, busy)).toBe(200);
      expect(await pingStatus(url, streaming)).toBe(200);

      await stream.body!.cancel();
      await delay(2500);
      expect(await pingStatus(url, streaming)).toBe(404);
    });
  });
});

describe('HTTP body limits', () => {
  it('refuses a body over maxBodyBytes with 413', async () => {
    await withListener({ maxBodyBytes: 1000 }, async (url) => {
      const response = await post(url, { ...initialize, params: { ...initialize.params, padding: 'x'.repeat(2000) } });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32600);
      expect(await openSession(url)).toBeTruthy();
    });
  });

  it('refuses arrays nested 3 000 deep with 400 -32600, logs nothing, and serves the same connection again', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await withListener({}, async (url) => {
        const deep = await keepAliveRequest(agent, url, nested(3000));
        expect(deep.status).toBe(400);
        expect(JSON.parse(deep.body)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/nested deeper than 64/) } });
        expect(deep.headers.connection).not.toBe('close');

        const good = await keepAliveRequest(agent, url, JSON.stringify(initialize));
        expect(good.status).toBe(200);
        expect(good.reusedSocket).toBe(true);
        expect(JSON.parse(good.body).result.serverInfo.name).toBe('limits');
      });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      agent.destroy();
      logged.mockRestore();
    }
  });

  it('counts depth with maxJsonDepth, ignoring brackets inside strings', async () => {
    await withListener({ maxJsonDepth: 4 }, async (url) => {
      const id = await openSession(url); // initialize nests 3 deep
      const headers = { 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL };
      const call = (args: unknown) => post(url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: args } }, headers);

      const atLimit = await call({ a: {} }); // body, params, arguments, a: 4 levels
      expect(atLimit.status).toBe(200);
      await atLimit.text();
      const refused = await call({ a: { b: [] } });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-32600);
      const inStrings = await call({ a: '[[[[{{{{"\\\\"\\"[[[' });
      expect(inStrings.status).toBe(200);
      await inStrings.text();
    });
  });

  it('mounted with httpHandler(), a hostile body never reaches the host app as an error', async () => {
    const mcp = limitedServer();
    const app = express();
    const hostErrors: unknown[] = [];
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
    app.use(mcp.httpHandler({ resourceUrl: url.href, enableJsonResponse: true }));
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      hostErrors.push(error);
      res.status(599).end();
    });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const deep = await post(url, nested(3000));
      expect(deep.status).toBe(400);
      const badPath = await fetch(new URL('/.well-known/oauth-protected-resource/%E0%A4%A', url));
      expect(badPath.status).toBe(400);
      expect(((await badPath.json()) as { error: { code: number } }).error.code).toBe(-32600);
      expect(hostErrors).toEqual([]);
      expect(logged).not.toHaveBeenCalled();
      expect(await openSession(url)).toBeTruthy();
    } finally {
      logged.mockRestore();
      await mcp.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses limits that are not positive integers', () => {
    const mcp = limitedServer();
    expect(() => mcp.httpHandler({ resourceUrl: 'http://127.0.0.1/mcp', maxSessions: 0 })).toThrow(/maxSessions must be a positive integer/);
    expect(() => mcp.httpHandler({ resourceUrl: 'http://127.0.0.1/mcp', maxJsonDepth: 1.5 })).toThrow(RangeError);
    return mcp.close();
  });
});

describe('HTTP connection limits (listen)', () => {
  it('closes a connection that does not finish its headers within headersTimeoutMs', async () => {
    await withListener({ headersTimeoutMs: 300 }, async (url) => {
      const socket = await openSocket(url);
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nX-Slow: `);
      expect(await closedWithin(socket, 5000)).toMatch(/^HTTP\/1\.1 408/);
    });
  });

  it('closes a request whose body does not arrive within requestTimeoutMs, but never cuts a response or stream', async () => {
    await withListener({ requestTimeoutMs: 500 }, async (url) => {
      const socket = await openSocket(url);
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"jsonrpc"`);
      expect(await closedWithin(socket, 5000)).toMatch(/^HTTP\/1\.1 408/);

      // A response that takes longer than the request timeout, and a stream open longer than it.
      const id = await openSession(url);
      const headers = { 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL };
      const stream = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
      const slow = await post(url, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow', arguments: {} } }, headers);
      expect(slow.status).toBe(200);
      expect(((await slow.json()) as { result: { structuredContent: unknown } }).result.structuredContent).toEqual({ done: true });
      const reader = stream.body!.getReader();
      const stillOpen = await Promise.race([reader.read().then(() => 'data or end'), delay(300).then(() => 'open')]);
      expect(stillOpen).toBe('open');
      await reader.cancel();
    });
  });

  it('accepts at most maxConnections connections at once', async () => {
    await withListener({ maxConnections: 2 }, async (url) => {
      const held = [await openSocket(url), await openSocket(url)];
      const extra = await openSocket(url);
      expect(await closedWithin(extra, 5000)).toBe('');

      held[0].destroy();
      await delay(100);
      expect(await openSession(url)).toBeTruthy();
      for (const socket of held) socket.destroy();
    });
  });
});
