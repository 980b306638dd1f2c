import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashToken } from '../token-hash';
import { BROWSER_COOKIE, type AuthorizationServerContext } from './authorization-server-context';
import { readCookie } from '../http/cookies';
import { redirect } from './http-exchange';
import type { OAuthErrorCode } from './oauth-error';
import { recordKeys, type CodeRecord, type TransactionRecord, type UpstreamIdentity } from './records';

/** Where an authorization answer goes: the client's redirect URI, with its `state` as sent. */
export interface AuthorizationTarget {
  redirectUri: string;
  state?: string;
}

/** 302 to the client with `error`, `error_description`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207). */
export function redirectWithError(ctx: AuthorizationServerContext, res: ServerResponse, target: AuthorizationTarget, code: OAuthErrorCode, description: string): void {
  redirect(res, answerUrl(ctx, target, { error: code, error_description: description }));
}

/**
 * Issues a single-use code for the transaction's client, redirect URI, PKCE challenge and scopes,
 * and sends the browser back to the client with it.
 */
export async function redirectWithCode(ctx: AuthorizationServerContext, res: ServerResponse, txn: TransactionRecord, identity: UpstreamIdentity): Promise<void> {
  const code = randomBytes(32).toString('base64url');
  const record: CodeRecord = {
    clientId: txn.clientId,
    redirectUri: txn.redirectUri,
    codeChallenge: txn.codeChallenge,
    scopes: txn.scopes,
    identity,
    grantId: randomBytes(16).toString('base64url'),
  };
  await ctx.records.write(recordKeys.code(code), record, ctx.settings.codeTtlSeconds);
  redirect(res, answerUrl(ctx, txn, { code }));
}

function answerUrl(ctx: AuthorizationServerContext, target: AuthorizationTarget, params: Record<string, string>): string {
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (target.state !== undefined) url.searchParams.set('state', target.state);
  url.searchParams.set('iss', ctx.issuer);
  return url.href;
}

/** Whether the request carries the browser cookie a transaction is bound to. */
export function isSameBrowser(req: IncomingMessage, txn: TransactionRecord): boolean {
  const cookie = readCookie(req, BROWSER_COOKIE);
  return cookie !== undefined && hashToken(cookie) === txn.browser;
}

/** Seconds a transaction has left (0 when it is over). */
export function transactionSecondsLeft(ctx: AuthorizationServerContext, txn: TransactionRecord): number {
  return Math.max(0, txn.createdAt + ctx.settings.transactionTtlSeconds - Math.floor(Date.now() / 1000));
}

/** The record of a user's approvals for one client and redirect URI. */
export function consentKey(ctx: AuthorizationServerContext, txn: TransactionRecord, identity: UpstreamIdentity): string {
  return recordKeys.consent(ctx.upstream.name, identity.userId, txn.clientId, txn.redirectUri);
}
