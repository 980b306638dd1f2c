import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashToken } from '../token-hash';
import type { AuthorizationServerContext } from './authorization-server-context';
import { consentKey, isSameBrowser, redirectWithCode, redirectWithError } from './authorization-response';
import { readForm, sendPage } from './http-exchange';
import { OAuthError } from './oauth-error';
import { recordKeys, type ConsentRecord, type TransactionRecord } from './records';

/**
 * `POST /consent`: the user's decision. Without this browser's cookie and the form's CSRF value it
 * is a 403 that changes nothing (the transaction stays usable). `deny` sends `access_denied` to the
 * client; `approve` is remembered for (user, client, redirect URI) and a code is issued.
 */
export async function handleConsent(ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch (error) {
    if (error instanceof OAuthError) return sendPage(res, 400, { title: 'Request refused', message: error.description });
    throw error;
  }
  const id = form.get('txn') ?? '';
  const csrf = form.get('csrf') ?? '';
  const txn = id === '' ? null : await ctx.records.read<TransactionRecord>(recordKeys.transaction(id));
  if (!txn || txn.stage !== 'consent' || !txn.identity || csrf === '' || hashToken(csrf) !== txn.csrf || !isSameBrowser(req, txn)) {
    return sendPage(res, 403, { title: 'Request refused', message: 'This decision did not come from the consent page shown in this browser.' });
  }
  const decision = form.get('decision');
  if (decision !== 'approve' && decision !== 'deny') return sendPage(res, 400, { title: 'Request refused', message: 'Choose Allow or Deny.' });
  const taken = await ctx.records.take<TransactionRecord>(recordKeys.transaction(id));
  if (!taken?.identity) return sendPage(res, 400, { title: 'Login refused', message: 'This login was already finished. Start again from your application.' });

  if (decision === 'deny') return redirectWithError(ctx, res, taken, 'access_denied', 'The user denied access');
  if (ctx.settings.consent.rememberSeconds > 0) {
    const key = consentKey(ctx, taken, taken.identity);
    const earlier = await ctx.records.read<ConsentRecord>(key);
    const scopes = [...new Set([...(earlier?.scopes ?? []), ...taken.scopes])];
    await ctx.records.write<ConsentRecord>(key, { scopes }, ctx.settings.consent.rememberSeconds);
  }
  await redirectWithCode(ctx, res, taken, taken.identity);
}
