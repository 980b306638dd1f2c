import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationServerContext } from './authorization-server-context';
import { authenticateClient, usesBasicAuthentication } from './client-authentication';
import { redeemCode } from './code-grant';
import type { TokenResponseBody } from './grants';
import { readForm, sendJson, single } from './http-exchange';
import { OAuthError } from './oauth-error';
import { refreshGrant } from './refresh-grant';

/**
 * `POST /token` (form): client authentication (`none`, Basic or post; failure `401
 * invalid_client`), then the authorization-code or refresh-token grant. Errors are
 * `{ error, error_description }`; every answer is `no-store` and CORS `*`.
 */
export async function handleToken(ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const client = await authenticateClient(ctx, req, form);
  const grantType = single(form, 'grant_type');
  let body: TokenResponseBody;
  if (grantType === 'authorization_code') body = await redeemCode(ctx, client, form);
  else if (grantType === 'refresh_token') body = await refreshGrant(ctx, client, form);
  else if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
  else throw new OAuthError('unsupported_grant_type', 'Only authorization_code and refresh_token are supported');
  sendJson(res, 200, body, { cors: true });
}

/** The 401 of a client that authenticated with Basic carries a Basic challenge (RFC 6749 §5.2). */
export function clientChallenge(req: IncomingMessage, error: OAuthError): Record<string, string> {
  return error.code === 'invalid_client' && usesBasicAuthentication(req) ? { 'WWW-Authenticate': 'Basic realm="nextmcp"' } : {};
}
