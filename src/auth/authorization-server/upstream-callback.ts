import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthContext } from '../auth-context';
import { AuthenticationError } from '../errors';
import type { TokenResponse } from '../provider';
import { hashToken } from '../token-hash';
import type { AuthorizationServerContext } from './authorization-server-context';
import { consentKey, isSameBrowser, redirectWithCode, redirectWithError, transactionSecondsLeft } from './authorization-response';
import { UnknownClientError } from './client-directory';
import { renderConsentPage } from './consent-page';
import { sendPage } from './http-exchange';
import { recordKeys, type ConsentRecord, type TransactionRecord, type UpstreamIdentity } from './records';
import { isLoopbackHostname } from './redirect-uris';
import { identityOf, UpstreamUnavailableError } from './upstream-sessions';

const NOT_THIS_LOGIN = {
  title: 'Login refused',
  message: 'This login is unknown, expired or already used, or it was started in another browser. Start again from your application.',
};

/**
 * The upstream's redirect back to us. The state must name a live, unused transaction bound to
 * this browser; anything else is a page and nothing more (the upstream is not asked). Then the
 * upstream code is exchanged with our PKCE verifier, the user read, their upstream session saved,
 * and consent is asked (or remembered) before a code goes to the client.
 */
export async function handleUpstreamCallback(ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const states = query.getAll('state');
  const id = states.length === 1 ? states[0] : undefined;
  const seen = id ? await ctx.records.read<TransactionRecord>(recordKeys.transaction(id)) : null;
  if (!id || !seen || seen.stage !== 'upstream' || !isSameBrowser(req, seen)) return sendPage(res, 400, NOT_THIS_LOGIN);
  const txn = await ctx.records.take<TransactionRecord>(recordKeys.transaction(id));
  if (!txn) return sendPage(res, 400, NOT_THIS_LOGIN);

  if (query.has('error')) return redirectWithError(ctx, res, txn, 'access_denied', `The ${ctx.upstream.name} login did not succeed`);
  const codes = query.getAll('code');
  if (codes.length !== 1 || codes[0] === '') return redirectWithError(ctx, res, txn, 'access_denied', `${ctx.upstream.name} sent no code`);

  let token: TokenResponse;
  let user: AuthContext;
  try {
    token = await ctx.upstream.exchangeCodeWithVerifier(codes[0], { redirectUri: ctx.callbackUrl, verifier: txn.upstreamVerifier });
    const result = await ctx.upstream.authenticate({ access_token: token.access_token });
    if (!result.success || !result.context) {
      throw new AuthenticationError(`${ctx.upstream.name} did not accept its new token`, { reason: result.reason ?? 'invalid_token' });
    }
    user = result.context;
    await ctx.sessions.saveLogin(token, user);
  } catch (error) {
    const unavailable = error instanceof UpstreamUnavailableError || (error instanceof AuthenticationError && error.reason === 'provider_unavailable');
    if (unavailable) return redirectWithError(ctx, res, txn, 'temporarily_unavailable', `${ctx.upstream.name} could not be reached; try again`);
    if (error instanceof AuthenticationError) return redirectWithError(ctx, res, txn, 'access_denied', `The ${ctx.upstream.name} login did not succeed`);
    throw error;
  }
  await continueToConsent(ctx, res, id, txn, identityOf(user));
}

/** Trusted clients and remembered approvals go straight to a code; anyone else sees the consent page. */
async function continueToConsent(ctx: AuthorizationServerContext, res: ServerResponse, id: string, txn: TransactionRecord, identity: UpstreamIdentity): Promise<void> {
  let client;
  try {
    client = await ctx.clients.find(txn.clientId);
  } catch (error) {
    if (error instanceof UnknownClientError) return sendPage(res, 400, { title: 'Unknown application', message: error.message });
    throw error;
  }
  if (client.trusted || (await approvalCovers(ctx, txn, identity))) return redirectWithCode(ctx, res, txn, identity);

  const secondsLeft = transactionSecondsLeft(ctx, txn);
  if (secondsLeft === 0) return sendPage(res, 400, NOT_THIS_LOGIN);
  const csrf = randomBytes(32).toString('base64url');
  await ctx.records.write(recordKeys.transaction(id), { ...txn, stage: 'consent', identity, csrf: hashToken(csrf) }, secondsLeft);
  const redirect = new URL(txn.redirectUri);
  const render = ctx.settings.consent.render ?? renderConsentPage;
  sendPage(
    res,
    200,
    render({
      client: { id: client.clientId, ...(client.name !== undefined && { name: client.name }) },
      redirectUri: txn.redirectUri,
      redirectHost: redirect.host || redirect.protocol,
      redirectIsLoopback: isLoopbackHostname(redirect.hostname),
      scopes: txn.scopes,
      user: { id: identity.userId, ...(identity.username !== undefined && { username: identity.username }), provider: ctx.upstream.name },
      action: ctx.endpointUrl('consent'),
      fields: { txn: id, csrf },
    }),
  );
}

/** Whether this user already approved this client and redirect URI for at least these scopes. */
async function approvalCovers(ctx: AuthorizationServerContext, txn: TransactionRecord, identity: UpstreamIdentity): Promise<boolean> {
  if (ctx.settings.consent.rememberSeconds === 0) return false;
  const approved = await ctx.records.read<ConsentRecord>(consentKey(ctx, txn, identity));
  return approved !== null && txn.scopes.every((scope) => approved.scopes.includes(scope));
}
