import type { DependencyContainer } from 'tsyringe';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { compose, type Middleware } from './middleware';
import { RequestContext, type RequestContextInit, type TransportKind } from './request-context';
import { toCredentials } from './credentials';
import { readCarried } from './carried-auth';
import { POLICY_ENFORCED } from './policy-enforced';
import { CONNECTION_CALLER } from '../auth/connection-caller';
import type { Target } from '../metadata/targets';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The one request path: global middleware (in `use()` order) → the target stage → `terminal`
 * (validation and the handler). Every request kind goes through it, lists included. What the
 * transport or the HTTP gate carried beside the message (credentials, a verified caller, a decision
 * already made) becomes the request's context here.
 */
export class RequestPipeline {
  private chain?: (ctx: RequestContext, terminal: (ctx: RequestContext) => Promise<unknown>) => Promise<unknown>;

  constructor(
    private readonly container: DependencyContainer,
    private readonly globalMiddleware: () => readonly Middleware[],
    private readonly targetStage: Middleware,
  ) {}

  /** Call after `use()`: the chain is composed once, not per request. */
  invalidate(): void {
    this.chain = undefined;
  }

  run(
    method: string,
    params: Record<string, unknown> | undefined,
    extra: Extra,
    transport: TransportKind,
    target: Target | undefined,
    terminal: (ctx: RequestContext) => Promise<unknown>,
  ): Promise<unknown> {
    const carried = readCarried(extra.authInfo);
    const ctx = new RequestContext({
      method,
      params: params ?? {},
      target,
      credentials: toCredentials(carried?.credentials),
      auth: carried?.auth,
      // A batch shares one carried caller: each request gets its own copy of the session.
      session: carried?.session?.clone(),
      transport,
      headers: extra.requestInfo?.headers,
      parentContainer: this.container,
      signal: extra.signal,
      requestId: extra.requestId,
      sessionId: extra.sessionId,
      // The SDK's per-request sender; our notifications are ServerNotifications by construction.
      notify: extra.sendNotification as RequestContextInit['notify'],
    });
    if (carried?.decided?.has(target)) ctx[POLICY_ENFORCED] = true;
    ctx[CONNECTION_CALLER] = carried?.connection;
    this.chain ??= compose([...this.globalMiddleware(), this.targetStage]);
    return this.chain(ctx, terminal);
  }
}
