import { Agent, request } from 'node:http';
import { checkEcho, ECHO_TOOL, echoText } from '../fixtures/echo';

const PROTOCOL_VERSION = '2025-06-18';

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A bare MCP Streamable HTTP client for load: one keep-alive connection, JSON-RPC POSTs, answers
 * read as JSON or as an SSE stream. (The SDK client would measure itself more than the server.)
 */
export class McpHttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private sessionId?: string;

  constructor(
    private readonly url: URL,
    private readonly headers: Record<string, string>,
  ) {}

  /** Opens an MCP session (stateful servers): initialize, then notifications/initialized. */
  async open(): Promise<void> {
    const answer = await this.post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'bench-load', version: '1.0.0' } },
    });
    const id = answer.headers['mcp-session-id'];
    if (answer.status !== 200 || typeof id !== 'string') throw new Error(`initialize failed: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
    this.sessionId = id;
    const ack = await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (ack.status !== 202) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  }

  /** Calls the echo tool; `undefined` when the answer is right, else why not. */
  async echo(sequence: number): Promise<string | undefined> {
    const text = echoText(sequence);
    const answer = await this.post({ jsonrpc: '2.0', id: sequence, method: 'tools/call', params: { name: ECHO_TOOL, arguments: { text } } });
    if (answer.status !== 200) return `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
    const message = parseMessage(answer);
    if (message?.id !== sequence) return `wrong id: ${answer.body.slice(0, 200)}`;
    return checkEcho(message.result, text);
  }

  async close(): Promise<void> {
    if (this.sessionId) await this.send('DELETE', undefined).catch(() => undefined);
    this.agent.destroy();
  }

  private post(message: unknown): Promise<HttpAnswer> {
    return this.send('POST', JSON.stringify(message));
  }

  private send(method: string, body: string | undefined): Promise<HttpAnswer> {
    const headers: Record<string, string> = {
      ...this.headers,
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': PROTOCOL_VERSION,
      ...(body !== undefined && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...(this.sessionId && { 'mcp-session-id': this.sessionId }),
    };
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

interface RpcMessage {
  id?: unknown;
  result?: unknown;
}

/** The JSON-RPC answer in a JSON body or in the last `data:` line of an SSE body. */
function parseMessage(answer: HttpAnswer): RpcMessage | undefined {
  try {
    const type = String(answer.headers['content-type'] ?? '');
    if (type.startsWith('application/json')) return JSON.parse(answer.body) as RpcMessage;
    const data = answer.body.split('\n').filter((line) => line.startsWith('data:'));
    return data.length > 0 ? (JSON.parse(data[data.length - 1].slice(5)) as RpcMessage) : undefined;
  } catch {
    return undefined;
  }
}
