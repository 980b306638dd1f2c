import type { DependencyContainer } from 'tsyringe';
import type { LoggingLevel, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { AuthContext } from '../auth/auth-context';
import type { SessionData } from '../session/session-data';
import type { RequestContext } from './request-context';

/**
 * What a tool, resource or prompt handler receives as its second argument.
 *
 * @example
 * @Tool() async export(input: ExportInput, ctx: ToolContext) {
 *   await ctx.reportProgress(1, 2, 'fetching');
 *   const token = ctx.session?.accessToken;   // the user's (refreshed) provider token
 *   return { by: ctx.auth?.userId };
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
  /** Sends a `notifications/message` log entry to the client. Never put tokens in `data`. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
}

/** The pipeline's ToolContext. A class, not a literal: one shape, methods shared, cheap per call. */
class PipelineToolContext implements ToolContext {
  // A private brand, not a flag: nothing outside this module can mark a context as enforced.
  readonly #policyEnforced: boolean;

  constructor(
    readonly request: RequestContext,
    policyEnforced: boolean,
  ) {
    this.#policyEnforced = policyEnforced;
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
    await this.request.notify({ method: 'notifications/message', params: { level, data, ...(logger && { logger }) } });
  }
}

/** Whether the pipeline enforced the target policy of the request this context belongs to. */
export function isEnforcedContext(ctx: unknown): boolean {
  return PipelineToolContext.isEnforced(ctx);
}

/** Builds the handler's context from the request context. */
export function createToolContext(request: RequestContext, policyEnforced: boolean): ToolContext {
  return new PipelineToolContext(request, policyEnforced);
}
