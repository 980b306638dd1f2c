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

// Contexts whose target policy the pipeline has enforced; functional wrappers refuse to run otherwise.
const enforced = new WeakSet<ToolContext>();

export function isEnforcedContext(ctx: unknown): boolean {
  return typeof ctx === 'object' && ctx !== null && enforced.has(ctx as ToolContext);
}

/** Builds the handler's context from the request context. */
export function createToolContext(request: RequestContext, policyEnforced: boolean): ToolContext {
  const meta = request.params._meta as { progressToken?: string | number } | undefined;
  const progressToken = meta?.progressToken;
  const ctx: ToolContext = {
    auth: request.auth,
    session: request.session,
    signal: request.signal,
    requestId: request.requestId,
    get container() {
      return request.container;
    },
    sessionId: request.sessionId,
    request,
    async reportProgress(progress, total, message) {
      if (progressToken === undefined) return;
      await request.notify({
        method: 'notifications/progress',
        params: { progressToken, progress, ...(total !== undefined && { total }), ...(message && { message }) },
      });
    },
    async log(level, data, logger) {
      await request.notify({ method: 'notifications/message', params: { level, data, ...(logger && { logger }) } });
    },
  };
  if (policyEnforced) enforced.add(ctx);
  return ctx;
}
