import type { DependencyContainer } from 'tsyringe';
import {
  CreateMessageResultSchema,
  CreateMessageResultWithToolsSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
  type CreateMessageRequest,
  type CreateMessageResult,
  type CreateMessageResultWithTools,
  type ElicitRequest,
  type ElicitResult,
  type ListRootsResult,
  type LoggingLevel,
  type RequestId,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { AuthContext } from '../auth/auth-context';
import type { SessionData } from '../session/session-data';
import type { RequestContext } from './request-context';
import type { Extra } from './request-pipeline';
import { ClientCapabilityError, ClientRequestCancelledError, ClientRequestUnavailableError, isLevelEnabled, missingCapability, type ClientConnection } from './client-connection';

/** Options of a request a handler sends to the client. */
export interface ClientRequestOptions {
  /** How long to wait for the client's answer; default 60 000 ms (the SDK's). */
  timeoutMs?: number;
}

/**
 * What a tool, resource or prompt handler receives as its second argument.
 *
 * @example
 * @Tool() async export(input: ExportInput, ctx: ToolContext) {
 *   await ctx.reportProgress(1, 2, 'fetching');
 *   const token = ctx.session?.accessToken;   // the user's (refreshed) provider token
 *   const answer = await ctx.elicit({ message: 'Include archived notes?', requestedSchema: {
 *     type: 'object', properties: { archived: { type: 'boolean' } } } });
 *   return { by: ctx.auth?.userId, archived: answer.content?.archived };
 * }
 */
export interface ToolContext {
  /** The verified caller, when authenticated. */
  readonly auth?: AuthContext;
  /** The caller's provider session (tokens for calling upstream APIs on their behalf). */
  readonly session?: SessionData;
  /** Aborted when the client cancels the request or the connection closes. */
  readonly signal: AbortSignal;
  /** The JSON-RPC id of the request. */
  readonly requestId: RequestId;
  /** Request-scoped DI container (`AUTH_CONTEXT` registered). */
  readonly container: DependencyContainer;
  /** The MCP session id (stateful HTTP). */
  readonly sessionId?: string;
  /** The full pipeline context (method, params, state). */
  readonly request: RequestContext;
  /** Sends `notifications/progress` when the client asked for progress; otherwise does nothing. */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Sends a `notifications/message` log entry to the client, if `level` is at or above the level
   * the client set with `logging/setLevel` for its MCP session (until it sets one: always). Never
   * put tokens in `data`.
   */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Asks the client's LLM for a completion (`sampling/createMessage`), on this request's stream.
   * Rejects with a `ClientCapabilityError` (nothing sent) when the client did not declare
   * `sampling` (or `sampling.tools` for `tools`/`toolChoice`), a `ClientRequestUnavailableError`
   * on a stateless HTTP server, and a `ClientRequestCancelledError` when the call is cancelled or
   * the client goes away (the same holds for `elicit()` and `listRoots()`).
   *
   * @example
   * const { content } = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Summarize…' } }], maxTokens: 200 });
   */
  sample(params: CreateMessageRequest['params'] & { tools: unknown[] }, options?: ClientRequestOptions): Promise<CreateMessageResultWithTools>;
  /**
   * Asks the client's LLM for a completion without tools (`sampling/createMessage`): the answer's
   * `content` is one block. Rejects as the overload with `tools` does.
   */
  sample(params: CreateMessageRequest['params'], options?: ClientRequestOptions): Promise<CreateMessageResult>;
  /**
   * Asks the user through the client (`elicitation/create`): form mode (`requestedSchema`; an
   * accepted answer is checked against it) or URL mode (`mode: 'url'`, `url`, `elicitationId`; finish
   * it later with `mcp.completeElicitation(elicitationId)`). Rejects with a `ClientCapabilityError`
   * (nothing sent) when the client did not declare `elicitation` (form) or `elicitation.url`.
   *
   * @example
   * const answer = await ctx.elicit({ message: 'Your GitHub login?', requestedSchema: {
   *   type: 'object', properties: { login: { type: 'string' } }, required: ['login'] } });
   * if (answer.action === 'accept') use(answer.content!.login);
   */
  elicit(params: ElicitRequest['params'], options?: ClientRequestOptions): Promise<ElicitResult>;
  /** The client's roots (`roots/list`); rejects with a `ClientCapabilityError` when it declared no `roots`. */
  listRoots(options?: ClientRequestOptions): Promise<ListRootsResult>;
  /**
   * Over stateful HTTP with resumable streams: closes this request's SSE stream now; the client
   * reconnects with `Last-Event-ID` after the retry interval and receives everything sent meanwhile,
   * the result included (SEP-1699 polling). Returns false, doing nothing, where that is not possible.
   */
  closeSSEStream(): boolean;
}

/** The pipeline's ToolContext. A class, not a literal: one shape, methods shared, cheap per call. */
class PipelineToolContext implements ToolContext {
  // A private brand, not a flag: nothing outside this module can mark a context as enforced.
  readonly #policyEnforced: boolean;
  // `#` fields: util.inspect leaves them out, and `extra` carries the request's credentials.
  readonly #client?: ClientConnection;
  readonly #extra?: Extra;

  constructor(
    readonly request: RequestContext,
    policyEnforced: boolean,
    client?: ClientConnection,
    extra?: Extra,
  ) {
    this.#policyEnforced = policyEnforced;
    this.#client = client;
    this.#extra = extra;
  }

  static isEnforced(ctx: unknown): boolean {
    return typeof ctx === 'object' && ctx !== null && #policyEnforced in ctx && (ctx as PipelineToolContext).#policyEnforced;
  }

  get auth(): AuthContext | undefined {
    return this.request.auth;
  }

  get session(): SessionData | undefined {
    return this.request.session;
  }

  get signal(): AbortSignal {
    return this.request.signal;
  }

  get requestId(): RequestId {
    return this.request.requestId;
  }

  get container(): DependencyContainer {
    return this.request.container;
  }

  get sessionId(): string | undefined {
    return this.request.sessionId;
  }

  async reportProgress(progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = (this.request.params._meta as { progressToken?: string | number } | undefined)?.progressToken;
    if (progressToken === undefined) return;
    await this.request.notify({
      method: 'notifications/progress',
      params: { progressToken, progress, ...(total !== undefined && { total }), ...(message && { message }) },
    });
  }

  async log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    if (!isLevelEnabled(level, this.#client?.logLevel)) return;
    await this.request.notify({ method: 'notifications/message', params: { level, data, ...(logger && { logger }) } });
  }

  sample(params: CreateMessageRequest['params'] & { tools: unknown[] }, options?: ClientRequestOptions): Promise<CreateMessageResultWithTools>;
  sample(params: CreateMessageRequest['params'], options?: ClientRequestOptions): Promise<CreateMessageResult>;
  sample(params: CreateMessageRequest['params'], options?: ClientRequestOptions): Promise<CreateMessageResult | CreateMessageResultWithTools> {
    // With tools, the answer's content may be an array of blocks (tool calls).
    const schema = params.tools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema;
    return this.requestClient({ method: 'sampling/createMessage', params }, schema, options);
  }

  async elicit(params: ElicitRequest['params'], options?: ClientRequestOptions): Promise<ElicitResult> {
    const request = { method: 'elicitation/create', params } as const;
    const client = this.clientFor(request);
    // Before sending: the user may finish the URL flow before the client answers.
    if (params.mode === 'url') client.elicitationSent(params.elicitationId);
    const result = await this.send(request, ElicitResultSchema, options);
    if (params.mode !== 'url' && result.action === 'accept' && result.content) {
      const mismatch = client.contentMismatch(params.requestedSchema, result.content);
      if (mismatch) throw new Error(`The client's elicitation answer does not match the requested schema: ${mismatch}`);
    }
    return result;
  }

  listRoots(options?: ClientRequestOptions): Promise<ListRootsResult> {
    return this.requestClient({ method: 'roots/list' }, ListRootsResultSchema, options);
  }

  closeSSEStream(): boolean {
    const close = this.#extra?.closeSSEStream;
    if (!close) return false;
    close();
    return true;
  }

  private async requestClient<S extends Parameters<Extra['sendRequest']>[1]>(request: ServerRequest, schema: S, options?: ClientRequestOptions) {
    this.clientFor(request);
    return this.send(request, schema, options);
  }

  /** The connection to send `request` on, once it is known that it can and may be sent. */
  private clientFor(request: ServerRequest): ClientConnection {
    const client = this.#client;
    if (!client || !this.#extra) throw new ClientRequestUnavailableError(request.method, 'this request has no client connection');
    if (client.requestsUnavailable) throw new ClientRequestUnavailableError(request.method, client.requestsUnavailable);
    const missing = missingCapability(request.method, (request.params ?? {}) as Record<string, unknown>, client.capabilities);
    if (missing) throw new ClientCapabilityError(request.method, missing);
    return client;
  }

  /** On this request's stream; cancelled with the request (its signal), or after `timeoutMs`. */
  private async send<S extends Parameters<Extra['sendRequest']>[1]>(request: ServerRequest, schema: S, options?: ClientRequestOptions) {
    try {
      return await this.#extra!.sendRequest(request, schema, { signal: this.signal, ...(options?.timeoutMs !== undefined && { timeout: options.timeoutMs }) });
    } catch (error) {
      // The SDK reports an abort as a timeout; say what happened.
      throw this.signal.aborted ? new ClientRequestCancelledError(request.method) : error;
    }
  }
}

/** Whether the pipeline enforced the target policy of the request this context belongs to. */
export function isEnforcedContext(ctx: unknown): boolean {
  return PipelineToolContext.isEnforced(ctx);
}

/**
 * Builds the handler's context from the request context, the MCP session's client and the SDK's
 * per-request `extra` (whose `sendRequest` sends on the stream of the request being served).
 */
export function createToolContext(request: RequestContext, policyEnforced: boolean, client?: ClientConnection, extra?: Extra): ToolContext {
  return new PipelineToolContext(request, policyEnforced, client, extra);
}
