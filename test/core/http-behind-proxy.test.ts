import 'reflect-metadata';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { NextMCP, type Listener } from '../../src';

/*
 * A reverse proxy in front of a server bound to loopback, as Caddy (and nginx with
 * `proxy_set_header Host $host`) deploy it: the client talks to the proxy, which forwards every
 * request with the Host header the client sent for the public name.
 */
async function startProxy(upstream: URL, publicHost: string): Promise<{ url: URL; close(): Promise<void> }> {
  const proxy: Server = createServer((req, res) => {
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: publicHost } },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

function notesServer() {
  const mcp = new NextMCP({ name: 'notes', version: '1.0.0' });
  mcp.tool('ping', {}, async () => 'pong');
  return mcp;
}

async function callThrough(url: URL): Promise<unknown> {
  const client = new Client({ name: 'proxied', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url));
  try {
    return (await client.callTool({ name: 'ping', arguments: {} })).content;
  } finally {
    await client.close();
  }
}

describe('behind a reverse proxy that keeps the Host header', () => {
  let mcp: NextMCP;
  let listener: Listener;
  afterEach(async () => {
    await mcp.close();
  });

  it('serves the MCP endpoint and the metadata for the host of resourceUrl, with no further option', async () => {
    mcp = notesServer();
    listener = await mcp.listen({ transport: 'http', port: 0, resourceUrl: 'https://notes.example.com/mcp' });
    const proxy = await startProxy(listener.url!, 'notes.example.com');
    try {
      expect(await callThrough(proxy.url)).toEqual([{ type: 'text', text: 'pong' }]);
      const metadata = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', proxy.url));
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({ resource: 'https://notes.example.com/mcp' });
      // A page on the public origin itself may call it; other origins still may not.
      const sameOrigin = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', proxy.url), { headers: { origin: 'https://notes.example.com' } });
      expect(sameOrigin.status).toBe(200);
      const otherOrigin = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', proxy.url), { headers: { origin: 'https://evil.example' } });
      expect(otherOrigin.status).toBe(403);
    } finally {
      await proxy.close();
    }
  });

  it('still refuses any other Host (DNS-rebinding protection stays on)', async () => {
    mcp = notesServer();
    listener = await mcp.listen({ transport: 'http', port: 0, resourceUrl: 'https://notes.example.com/mcp' });
    const proxy = await startProxy(listener.url!, 'evil.example');
    try {
      const refused = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', proxy.url));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { message: 'Forbidden: Host "evil.example" is not allowed' } });
    } finally {
      await proxy.close();
    }
  });

  it('accepts the further names listed in allowedHosts', async () => {
    mcp = notesServer();
    listener = await mcp.listen({ transport: 'http', port: 0, resourceUrl: 'https://notes.example.com/mcp', allowedHosts: ['mcp.internal:8080'] });
    const proxy = await startProxy(listener.url!, 'mcp.internal:8080');
    try {
      expect(await callThrough(proxy.url)).toEqual([{ type: 'text', text: 'pong' }]);
    } finally {
      await proxy.close();
    }
  });
});
