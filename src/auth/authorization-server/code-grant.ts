import { isValidPkceVerifier, pkceChallengeFor, verifiersMatch } from '../oauth/pkce';
import type { AuthorizationServerContext } from './authorization-server-context';
import type { KnownClient } from './client-directory';
import type { TokenResponseBody } from './grants';
import { single } from './http-exchange';
import { OAuthError } from './oauth-error';
import { recordKeys, type CodeRecord } from './records';

/**
 * `grant_type=authorization_code`. The code is consumed by the first request that names it,
 * whatever the outcome; presented again it is `invalid_grant` and the grant issued from it is
 * revoked (RFC 6749 §4.1.2). It must belong to this client, `redirect_uri` must repeat the
 * authorized one, the verifier must hash (S256) to the challenge, and `resource` name this server's.
 */
export async function redeemCode(ctx: AuthorizationServerContext, client: KnownClient, form: URLSearchParams): Promise<TokenResponseBody> {
  const code = single(form, 'code');
  if (code === undefined) throw new OAuthError('invalid_request', 'code is required');
  const key = recordKeys.code(code);
  const record = await ctx.records.take<CodeRecord>(key);
  if (!record) throw new OAuthError('invalid_grant', 'The code is unknown, expired or already used');
  if (record.redeemed) {
    await ctx.grants.revoke(record.grantId);
    throw new OAuthError('invalid_grant', 'The code was already used; the grant issued from it is revoked');
  }
  // What a second use finds: the grant to revoke.
  await ctx.records.write<CodeRecord>(key, { redeemed: true, grantId: record.grantId }, ctx.settings.codeTtlSeconds);

  if (record.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'The code was issued to another client');
  if (single(form, 'redirect_uri') !== record.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri must be the one of the authorization request');
  const verifier = single(form, 'code_verifier');
  if (verifier === undefined || !isValidPkceVerifier(verifier) || !verifiersMatch(pkceChallengeFor(verifier), record.codeChallenge)) {
    throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge');
  }
  checkResource(ctx, form);
  const body = await ctx.grants.create(
    record.grantId,
    { clientId: client.clientId, identity: record.identity, scopes: record.scopes, createdAt: Math.floor(Date.now() / 1000) },
    client.grantTypes.includes('refresh_token'),
  );
  await ctx.clients.touch(client);
  return body;
}

/** `resource`, when sent (once), must name this server's resource (RFC 8707). */
export function checkResource(ctx: AuthorizationServerContext, form: URLSearchParams): void {
  const resources = form.getAll('resource');
  if (resources.length > 1 || (resources.length === 1 && resources[0] !== ctx.resource)) {
    throw new OAuthError('invalid_target', `This server issues tokens only for the resource ${ctx.resource}`);
  }
}
