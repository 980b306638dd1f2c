import { OAuth2Server } from 'oauth2-mock-server';

/**
 * An embedded OAuth 2.1 / OIDC issuer on 127.0.0.1, so the demo needs no credentials. It issues
 * client-credentials tokens carrying the scopes the client asked for, its client id as `sub`, and
 * the RFC 8707 `resource` it asked for as the audience — as a real authorization server would.
 */
export async function startLocalIssuer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = url;
  server.service.on('beforeTokenSigning', (token, req) => {
    const body = (req as { body?: Record<string, string> }).body ?? {};
    const clientId = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /i, ''), 'base64').toString().split(':')[0];
    token.payload.sub = decodeURIComponent(clientId || body.client_id || 'anonymous');
    token.payload.scope = body.scope ?? '';
    if (body.resource) token.payload.aud = body.resource;
  });
  return { url, stop: () => server.stop() };
}
