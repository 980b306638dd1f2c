import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthorizationStoreError } from './authorization-store';
import type { AuthorizationServerContext } from './authorization-server-context';
import { authorizationServerMetadata } from './authorization-server-metadata';
import { handleAuthorize } from './authorize-endpoint';
import { handleConsent } from './consent-endpoint';
import { sendJson, sendMethodNotAllowed, sendOAuthError, sendPage, sendPreflight } from './http-exchange';
import { OAuthError } from './oauth-error';
import { handleRegister } from './registration-endpoint';
import { handleRevoke } from './revocation-endpoint';
import { clientChallenge, handleToken } from './token-endpoint';
import { handleUpstreamCallback } from './upstream-callback';

type Handler = (ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** One endpoint: its method, whether it answers cross-origin (CORS `*`), and whether it shows pages. */
interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  cors: boolean;
  page: boolean;
  handle: Handler;
}

/** The endpoints by path (absolute paths on the listener), once the issuer is known. */
export function endpointsByPath(ctx: Pick<AuthorizationServerContext, 'issuer' | 'callbackUrl' | 'settings'>): Map<string, Endpoint> {
  const { paths } = ctx.settings;
  const issuerPath = new URL(ctx.issuer).pathname.replace(/\/$/, '');
  const at = (path: string) => issuerPath + path;
  const metadata: Handler = async (c, _req, res) => sendJson(res, 200, authorizationServerMetadata(c), { cors: true });
  const jwks: Handler = async (c, _req, res) => sendJson(res, 200, { keys: [c.key.publicJwk] }, { cors: true });
  const endpoints = new Map<string, Endpoint>([
    ['/.well-known/oauth-authorization-server', { name: 'metadata', method: 'GET', cors: true, page: false, handle: metadata }],
    [`/.well-known/oauth-authorization-server${issuerPath}`, { name: 'metadata', method: 'GET', cors: true, page: false, handle: metadata }],
    [at(paths.jwks), { name: 'jwks', method: 'GET', cors: true, page: false, handle: jwks }],
    [at(paths.authorize), { name: 'authorize', method: 'GET', cors: false, page: true, handle: handleAuthorize }],
    [new URL(ctx.callbackUrl).pathname, { name: 'callback', method: 'GET', cors: false, page: true, handle: handleUpstreamCallback }],
    [at(paths.consent), { name: 'consent', method: 'POST', cors: false, page: true, handle: handleConsent }],
    [at(paths.token), { name: 'token', method: 'POST', cors: true, page: false, handle: handleToken }],
    [at(paths.revoke), { name: 'revoke', method: 'POST', cors: true, page: false, handle: handleRevoke }],
  ]);
  if (ctx.settings.registration.enabled) {
    endpoints.set(at(paths.register), { name: 'register', method: 'POST', cors: true, page: false, handle: handleRegister });
  }
  return endpoints;
}

/** Answers one request for an endpoint: method checks, CORS preflight, and every failure as its endpoint's kind of answer. */
export async function serveEndpoint(endpoint: Endpoint, ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'OPTIONS' && endpoint.cors) return sendPreflight(res, `${endpoint.method}, OPTIONS`);
  if (req.method !== endpoint.method) return sendMethodNotAllowed(res, endpoint.method, endpoint.cors);
  try {
    await endpoint.handle(ctx, req, res);
  } catch (error) {
    if (res.headersSent) return void res.end();
    const failure = asOAuthError(error, ctx, endpoint.name);
    if (endpoint.page) {
      const unavailable = failure.code === 'temporarily_unavailable';
      return sendPage(res, failure.status, { title: unavailable ? 'Try again shortly' : 'Request refused', message: failure.description });
    }
    sendOAuthError(res, failure, { cors: endpoint.cors, headers: clientChallenge(req, failure) });
  }
}

/** What a failure means to the client: its own OAuth error, a store outage (503), or our bug (500, logged). */
function asOAuthError(error: unknown, ctx: AuthorizationServerContext, endpoint: string): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof AuthorizationStoreError) {
    ctx.logger.error({ endpoint, code: error.code }, 'Authorization store unavailable');
    return new OAuthError('temporarily_unavailable', 'The authorization server is temporarily unavailable');
  }
  ctx.logger.error({ endpoint, error: error instanceof Error ? error.name : typeof error }, 'Authorization server endpoint failed');
  return new OAuthError('server_error', 'The request could not be completed');
}
