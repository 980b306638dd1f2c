import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { liftAuthMember } from '../../pipeline/credentials';
import { carryAuth, detachIntoExtra } from '../../pipeline/carried-auth';
import { HttpBodyError, readJsonBody } from './read-json-body';
import { singleRequestId, writeJsonRpcError } from './json-rpc-response';
import type { HttpAdmission, ResourceInfo } from './http-admission';
import { DEFAULT_MAX_BODY_BYTES } from './http-options';
import { SessionTransport, type ResumableStreamOptions } from './session-transport';

interface SessionEntry {
  transport: StreamableHTTPServerTransport;
  server: Server;
  /** `provider:userId` of the caller that opened the session; others may not use it. */
  owner?: string;
}

export interface McpHttpEndpointOptions extends ResumableStreamOptions {
  stateless: boolean;
  maxBodyBytes?: number;
  enableJsonResponse?: boolean;
  maxSessions?: number;
}

type AuthedRequest = IncomingMessage & { auth?: AuthInfo };

/**
 * The MCP endpoint over Streamable HTTP. Reads and checks the body itself (size limit, the
 * top-level `auth` member, the auth decision) and only then hands it to the SDK transport:
 * stateful (one SDK server per MCP session) or stateless (one per request).
 */
export class McpHttpEndpoint {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly maxBodyBytes: number;

  constructor(
    private readonly createServer: () => Server,
    private readonly admission: HttpAdmission,
    private readonly resource: () => ResourceInfo,
    private readonly options: McpHttpEndpointOptions,
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method === 'POST') return await this.handlePost(req, res);
      if (req.method === 'GET' || req.method === 'DELETE') return await this.handleSessionRequest(req, res);
      res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    } catch (error) {
      if (error instanceof HttpBodyError) {
        // The body may be unread: the connection cannot be reused for another request.
        return writeJsonRpcError(res, error.status, { code: error.jsonRpcCode, message: error.message }, { headers: { connection: 'close' } });
      }
      writeJsonRpcError(res, 500, { code: -32603, message: 'Internal server error' });
      throw error;
    }
  }

  private async handlePost(req: AuthedRequest, res: ServerResponse): Promise<void> {
    let body = liftAuthMember(await readJsonBody(req, this.maxBodyBytes));
    const messages = Array.isArray(body) ? body : [body];
    const caller = await this.admitOrRefuse(messages, req, res, singleRequestId(body));
    if (caller === false) return;
    req.auth = caller ? carryAuth(caller.token, caller) : undefined;
    // As on the other transports, a message's credentials travel beside it, not in it. One
    // `authInfo` covers the whole body, so a batch keeps its credentials in each message's `_meta`.
    if (!Array.isArray(body)) {
      const detached = detachIntoExtra(body, { authInfo: req.auth });
      body = detached.message;
      req.auth = detached.extra?.authInfo;
    }

    if (this.options.stateless) return this.handleStateless(req, res, body);

    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const entry = this.ownedSession(sessionId, caller?.auth && `${caller.auth.provider}:${caller.auth.userId}`);
      if (!entry) return sessionNotFound(res);
      return entry.transport.handleRequest(req, res, body);
    }
    if (!messages.some((m) => isInitializeRequest(m))) {
      return writeJsonRpcError(res, 400, { code: -32000, message: 'Bad Request: no valid MCP session id' }, { id: singleRequestId(body) });
    }
    if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) {
      return writeJsonRpcError(res, 503, { code: -32000, message: 'Too many MCP sessions' }, { id: singleRequestId(body) });
    }
    const owner = caller?.auth ? `${caller.auth.provider}:${caller.auth.userId}` : undefined;
    const server = this.createServer();
    const transport: StreamableHTTPServerTransport = new SessionTransport({
      enableJsonResponse: this.options.enableJsonResponse,
      eventStore: this.options.eventStore,
      retryInterval: this.options.retryInterval,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, owner });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
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
    req.auth = caller ? carryAuth(caller.token, caller) : undefined;
    const sessionId = header(req, 'mcp-session-id');
    const entry = sessionId === undefined ? undefined : this.ownedSession(sessionId, caller?.auth && `${caller.auth.provider}:${caller.auth.userId}`);
    if (!entry) return sessionNotFound(res);
    await entry.transport.handleRequest(req, res);
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

  /** A session is usable only by the identity that opened it (MCP security best practice). */
  private ownedSession(sessionId: string, caller: string | undefined): SessionEntry | undefined {
    const entry = this.sessions.get(sessionId);
    if (!entry || (entry.owner !== undefined && entry.owner !== caller)) return undefined;
    return entry;
  }

  async close(): Promise<void> {
    const entries = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(entries.flatMap((e) => [e.transport.close(), e.server.close()]));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sessionNotFound(res: ServerResponse): void {
  writeJsonRpcError(res, 404, { code: -32001, message: 'Session not found' });
}
