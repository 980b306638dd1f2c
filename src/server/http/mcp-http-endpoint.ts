import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { carryRequest } from '../../pipeline/carried-auth';
import { HttpBodyError, readJsonBody } from './read-json-body';
import { singleRequestId, writeJsonRpcError } from './json-rpc-response';
import type { HttpAdmission, ResourceInfo } from '../../auth/http/http-admission';
import type { HttpLimits } from './http-limits';
import { McpSessionTable, type McpSessionRefusal } from './mcp-session-table';
import { answerInternalError } from './internal-error';
import { SessionTransport, type ResumableStreamOptions } from './session-transport';
import type { Logger } from '../../logging/logger';

interface SessionEntry {
  transport: StreamableHTTPServerTransport;
  server: Server;
}

export interface McpHttpEndpointOptions extends ResumableStreamOptions {
  stateless: boolean;
  enableJsonResponse?: boolean;
  limits: HttpLimits;
  /** Where failures of the server itself are logged. */
  logger: Logger;
}

/** Seconds a client refused a new session should wait: sessions free up as others end or idle out. */
const SESSION_RETRY_AFTER_SECONDS = '5';

type AuthedRequest = IncomingMessage & { auth?: AuthInfo };

/**
 * The MCP endpoint over Streamable HTTP. Reads and checks the body itself (size and depth limits,
 * the auth decision) and only then hands it to the SDK transport:
 * stateful (one SDK server per MCP session) or stateless (one per request).
 */
export class McpHttpEndpoint {
  private readonly sessions: McpSessionTable<SessionEntry>;

  constructor(
    private readonly createServer: () => Server,
    private readonly admission: HttpAdmission,
    private readonly resource: () => ResourceInfo,
    private readonly options: McpHttpEndpointOptions,
  ) {
    const { maxSessions, maxSessionsPerUser, sessionIdleTimeoutMs } = options.limits;
    this.sessions = new McpSessionTable<SessionEntry>({ maxSessions, maxSessionsPerUser, idleTimeoutMs: sessionIdleTimeoutMs }, (entry) =>
      Promise.allSettled([entry.transport.close(), entry.server.close()]),
    );
  }

  /** Never rejects: whatever goes wrong is answered here, not thrown into a host app. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method === 'POST') return await this.handlePost(req, res);
      if (req.method === 'GET' || req.method === 'DELETE') return await this.handleSessionRequest(req, res);
      res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    } catch (error) {
      if (error instanceof HttpBodyError) {
        // Part of the body may still be on the socket: then the connection cannot serve another request.
        const headers = error.bodyUnread ? { connection: 'close' } : undefined;
        return writeJsonRpcError(res, error.status, { code: error.jsonRpcCode, message: error.message }, { headers });
      }
      answerInternalError(res, this.options.logger, error);
    }
  }

  private async handlePost(req: AuthedRequest, res: ServerResponse): Promise<void> {
    const limits = this.options.limits;
    const body = await readJsonBody(req, { maxBytes: limits.maxBodyBytes, maxDepth: limits.maxJsonDepth });
    const messages = Array.isArray(body) ? body : [body];
    const caller = await this.admitOrRefuse(messages, req, res, singleRequestId(body));
    if (caller === false) return;
    req.auth = carryRequest(caller, caller.token);

    if (this.options.stateless) return this.handleStateless(req, res, body);

    const owner = ownerOf(caller);
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const slot = this.sessions.find(sessionId, owner);
      if (!slot?.session) return sessionNotFound(res);
      this.sessions.track(slot, res);
      return slot.session.transport.handleRequest(req, res, body);
    }
    if (!messages.some((m) => isInitializeRequest(m))) {
      return writeJsonRpcError(res, 400, { code: -32000, message: 'Bad Request: no valid MCP session id' }, { id: singleRequestId(body) });
    }
    // Taken before the first await, so simultaneous initializes cannot overshoot the limits.
    const slot = this.sessions.reserve(owner);
    if (typeof slot === 'string') return sessionRefused(res, slot, singleRequestId(body));
    const server = this.createServer();
    const transport: StreamableHTTPServerTransport = new SessionTransport({
      enableJsonResponse: this.options.enableJsonResponse,
      eventStore: this.options.eventStore,
      retryInterval: this.options.retryInterval,
      onsessioninitialized: (id) => {
        this.sessions.activate(slot, id);
      },
    });
    slot.session = { transport, server };
    transport.onclose = () => this.sessions.remove(slot);
    this.sessions.track(slot, res);
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      if (slot.id === undefined) void this.sessions.evict(slot); // never initialized: the slot goes back
    }
  }

  private async handleStateless(req: AuthedRequest, res: ServerResponse, body: unknown): Promise<void> {
    const server = this.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: this.options.enableJsonResponse,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** GET (the server-to-client SSE stream) and DELETE (end the session): stateful mode only. */
  private async handleSessionRequest(req: AuthedRequest, res: ServerResponse): Promise<void> {
    if (this.options.stateless) {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const caller = await this.admitOrRefuse([], req, res, null);
    if (caller === false) return;
    req.auth = carryRequest(caller, caller.token);
    const sessionId = header(req, 'mcp-session-id');
    const slot = sessionId === undefined ? undefined : this.sessions.find(sessionId, ownerOf(caller));
    if (!slot?.session) return sessionNotFound(res);
    this.sessions.track(slot, res);
    await slot.session.transport.handleRequest(req, res);
  }

  /** The caller to carry into the pipeline, or `false` when a refusal was written. */
  private async admitOrRefuse(messages: readonly unknown[], req: IncomingMessage, res: ServerResponse, id: string | number | null) {
    const resource = this.resource();
    try {
      return await this.admission.admit(messages, req, resource);
    } catch (error) {
      const refusal = this.admission.refusal(error, resource);
      if (!refusal) throw error;
      writeJsonRpcError(res, refusal.status, refusal.error, { id, headers: refusal.headers });
      return false as const;
    }
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
  }
}

/** `provider:userId` of a verified caller: who owns the sessions it opens. */
function ownerOf(caller: { auth?: { provider: string; userId: string } } | undefined): string | undefined {
  return caller?.auth ? `${caller.auth.provider}:${caller.auth.userId}` : undefined;
}

function sessionRefused(res: ServerResponse, refusal: McpSessionRefusal, id: string | number | null): void {
  const message = refusal === 'server_full' ? 'Too many MCP sessions' : 'Too many MCP sessions of this user are being opened at once';
  writeJsonRpcError(res, 503, { code: -32000, message }, { id, headers: { 'retry-after': SESSION_RETRY_AFTER_SECONDS } });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sessionNotFound(res: ServerResponse): void {
  writeJsonRpcError(res, 404, { code: -32001, message: 'Session not found' });
}

