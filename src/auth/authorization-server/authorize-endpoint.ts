import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashToken } from '../token-hash';
import { BROWSER_COOKIE, type AuthorizationServerContext } from './authorization-server-context';
import { redirectWithError, type AuthorizationTarget } from './authorization-response';
import { UnknownClientError, type KnownClient } from './client-directory';
import { readCookie } from '../http/cookies';
import { checkResource } from './code-grant';
import { redirect, sendPage, single } from './http-exchange';
import { OAuthError } from './oauth-error';
import { recordKeys, type TransactionRecord } from './records';
import { redirectUriMatches } from './redirect-uris';

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * `GET /authorize`, in this order: (1) the client and its exact redirect URI — failing either is a
 * page, never a redirect, and the upstream is not contacted; (2) response type, PKCE S256,
 * resource and scopes — errors go to the redirect URI; (3) a transaction bound to this browser by a
 * cookie, and a redirect to the upstream with our own PKCE and state.
 */
export async function handleAuthorize(ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  let client: KnownClient;
  let redirectUri: string | undefined;
  try {
    redirectUri = single(query, 'redirect_uri');
    client = await ctx.clients.find(single(query, 'client_id'));
  } catch (error) {
    if (error instanceof UnknownClientError || error instanceof OAuthError) {
      return sendPage(res, 400, { title: 'Unknown application', message: `This authorization request cannot be used: ${error.message}.` });
    }
    throw error;
  }
  if (!redirectUri || !client.redirectUris.some((registered) => redirectUriMatches(registered, redirectUri!))) {
    return sendPage(res, 400, {
      title: 'Unknown redirect address',
      message: 'The redirect_uri of this request is not one the application registered. Nothing was sent anywhere.',
    });
  }
  const states = query.getAll('state');
  const target: AuthorizationTarget = { redirectUri, state: states.length === 1 ? states[0] : undefined };

  let txn: TransactionRecord;
  try {
    if (states.length > 1) throw new OAuthError('invalid_request', 'The parameter "state" was sent more than once');
    txn = transactionFor(ctx, client, target, query);
  } catch (error) {
    if (error instanceof OAuthError) return redirectWithError(ctx, res, target, error.code, error.description);
    throw error;
  }

  const existing = readCookie(req, BROWSER_COOKIE);
  const cookie = existing !== undefined && COOKIE_VALUE.test(existing) ? existing : randomBytes(32).toString('base64url');
  const id = randomBytes(32).toString('base64url');
  const upstream = ctx.upstream.buildAuthorizationRequest({ state: id, redirectUri: ctx.callbackUrl });
  txn.browser = hashToken(cookie);
  txn.upstreamVerifier = upstream.verifier;
  await ctx.records.write(recordKeys.transaction(id), txn, ctx.settings.transactionTtlSeconds, true);
  const secure = ctx.issuer.startsWith('https:') ? '; Secure' : '';
  // SameSite=Lax: the cookie must come back on the upstream's top-level redirect to our callback.
  redirect(res, upstream.url, {
    'Set-Cookie': `${BROWSER_COOKIE}=${cookie}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ctx.settings.transactionTtlSeconds}${secure}`,
  });
}

/** Step (2): the request's own parameters, as a transaction still to be bound to the browser. */
function transactionFor(ctx: AuthorizationServerContext, client: KnownClient, target: AuthorizationTarget, query: URLSearchParams): TransactionRecord {
  const responseType = single(query, 'response_type');
  if (responseType === undefined) throw new OAuthError('invalid_request', 'response_type is required');
  if (responseType !== 'code') throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code')) throw new OAuthError('unauthorized_client', 'This client did not register the authorization_code grant');
  const challenge = single(query, 'code_challenge');
  const method = single(query, 'code_challenge_method');
  if (challenge === undefined) throw new OAuthError('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
  if (!CODE_CHALLENGE.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge must be 43 to 128 base64url characters');
  checkResource(ctx, query);
  return {
    stage: 'upstream',
    clientId: client.clientId,
    redirectUri: target.redirectUri,
    codeChallenge: challenge,
    scopes: grantedScopes(ctx, single(query, 'scope')),
    ...(target.state !== undefined && { state: target.state }),
    browser: '',
    upstreamVerifier: '',
    createdAt: Math.floor(Date.now() / 1000),
  };
}

/** The requested scopes this server knows (unknown ones dropped), or the defaults when none are named. */
export function grantedScopes(ctx: AuthorizationServerContext, scope: string | undefined): string[] {
  const requested = (scope ?? '').split(' ').filter((s) => s !== '');
  if (requested.length === 0) return [...ctx.defaultScopes];
  return [...new Set(requested.filter((s) => ctx.scopesSupported.includes(s)))];
}
