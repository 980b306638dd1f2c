import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationServerContext } from './authorization-server-context';
import { AccessTokenError } from './access-tokens';
import { authenticateClient } from './client-authentication';
import { readForm, single } from './http-exchange';
import { OAuthError } from './oauth-error';
import { recordKeys, type RefreshRecord } from './records';

/**
 * `POST /revoke` (RFC 7009): an access or refresh token of the authenticated client revokes its
 * whole grant. Always `200`, also for unknown, expired or another client's tokens (which stay
 * valid). The upstream token is not revoked: other grants of the same user share that session.
 */
export async function handleRevoke(ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const client = await authenticateClient(ctx, req, form);
  const token = single(form, 'token');
  if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
  const grantId = await grantOf(ctx, token, client.clientId);
  if (grantId !== undefined) await ctx.grants.revoke(grantId);
  res.writeHead(200, { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Access-Control-Allow-Origin': '*', 'Content-Length': '0' }).end();
}

/** The grant a token of this client belongs to, whatever kind of token it is. */
async function grantOf(ctx: AuthorizationServerContext, token: string, clientId: string): Promise<string | undefined> {
  const refresh = await ctx.records.read<RefreshRecord>(recordKeys.refresh(token));
  if (refresh) return refresh.clientId === clientId ? refresh.grantId : undefined;
  try {
    const claims = await ctx.accessTokens.verify(token, { ignoreExpiry: true });
    return claims.client_id === clientId ? claims.sid : undefined;
  } catch (error) {
    if (error instanceof AccessTokenError) return undefined;
    throw error;
  }
}
