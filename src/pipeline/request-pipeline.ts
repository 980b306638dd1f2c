import type { DependencyContainer } from 'tsyringe';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { compose, type Middleware } from './middleware';
import { RequestContext, type RequestContextInit, type TransportKind } from './request-context';
import { extractCredentials } from './credentials';
import { readCarriedAuth, readSentCredentials } from './carried-auth';
import type { Target } from '../metadata/targets';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The one request path: credential extraction → global middleware (in `use()` order) → the
 * target's compiled stages → `terminal` (validation and the handler). Every request kind goes
 * through it, lists included.
 */
export class RequestPipeline {
  private chain?: (ctx: RequestContext, terminal: (ctx: RequestContext) => Promise<unknown>) => Promise<unknown>;

  constructor(
    private readonly container: DependencyContainer,
    private readonly globalMiddleware: () => readonly Middleware[],
    private readonly targetStages: readonly Middleware[],
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
    const headers = extra.requestInfo?.headers;
    const carried = readCarriedAuth(extra.authInfo);
    const sent = readSentCredentials(extra.authInfo);
    const ctx = new RequestContext({
      method,
      params: params ?? {},
      target,
      credentials: extractCredentials(params, headers, undefined, sent),
      authMemo: sent?.authMemo,
      auth: carried?.auth,
      transport,
      headers,
      parentContainer: this.container,
      signal: extra.signal,
      requestId: extra.requestId,
      sessionId: extra.sessionId,
      // The SDK's per-request sender; our notifications are ServerNotifications by construction.
      notify: extra.sendNotification as RequestContextInit['notify'],
    });
    if (carried) ctx.sessionFrom(carried);
    this.chain ??= compose([...this.globalMiddleware(), ...this.targetStages]);
    return this.chain(ctx, terminal);
  }
}
