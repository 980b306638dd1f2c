import { Agent, request } from 'node:http';

/** One HTTP answer, with how long it took. */
export interface PostAnswer {
  status: number;
  body: string;
  ms: number;
}

/**
 * A keep-alive agent sized for `inFlight` concurrent requests. Idle sockets are dropped after 4 s,
 * before the server's keep-alive timeout (Node's default, 5 s) closes them: reusing a socket the
 * server is closing at that moment resets the request, a race of the harness, not of the server.
 */
export function keepAliveAgent(inFlight: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: inFlight, timeout: 4000 });
}

/**
 * POSTs a JSON-RPC body the way an MCP client does and reads the whole answer. A network error
 * resolves as status 0 (counted as an error by the caller, not thrown).
 */
export function postJson(agent: Agent, url: URL, body: string, headers: Record<string, string> = {}): Promise<PostAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - started }));
        res.on('error', () => resolve({ status: 0, body: text, ms: performance.now() - started }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, body: error.message, ms: performance.now() - started }));
    req.end(body);
  });
}
