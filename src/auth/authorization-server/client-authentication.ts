import type { IncomingMessage } from 'node:http';
import type { AuthorizationServerContext } from './authorization-server-context';
import type { KnownClient, PresentedClient } from './client-directory';
import { single } from './http-exchange';
import { OAuthError } from './oauth-error';

/**
 * The client a token or revocation request names, authenticated: HTTP Basic
 * (`client_secret_basic`, form-encoded id and secret, RFC 6749 §2.3.1), `client_id` and
 * `client_secret` in the body (`client_secret_post`), or `client_id` alone for public clients.
 * Failure is `invalid_client` (401).
 */
export async function authenticateClient(ctx: AuthorizationServerContext, req: IncomingMessage, form: URLSearchParams): Promise<KnownClient> {
  return ctx.clients.authenticate(presentedClient(req, form));
}

/** Whether the request authenticated with HTTP Basic (its 401 then carries a Basic challenge). */
export function usesBasicAuthentication(req: IncomingMessage): boolean {
  return /^basic\s/i.test(req.headers.authorization ?? '');
}

function presentedClient(req: IncomingMessage, form: URLSearchParams): PresentedClient {
  const bodyId = single(form, 'client_id');
  const bodySecret = single(form, 'client_secret');
  const header = req.headers.authorization;
  if (header === undefined) {
    if (bodyId === undefined) throw new OAuthError('invalid_client', 'Client authentication failed');
    return { clientId: bodyId, secret: bodySecret };
  }
  const basic = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) throw new OAuthError('invalid_client', 'Client authentication failed');
  if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'Use one client authentication method, not two');
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'Client authentication failed');
  let clientId: string;
  let secret: string;
  try {
    clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'Client authentication failed');
  }
  if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_request', 'client_id differs from the authenticated client');
  return { clientId, secret };
}
