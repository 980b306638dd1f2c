import { JwtProvider, createAuthMiddleware } from '../../src';
import { nextEchoServer } from '../fixtures/echo';
import type { LocalIssuer } from '../fixtures/local-jwks';
import type { RunningServer } from './sdk-servers';

/**
 * NextMCP over HTTP with a REQUIRED JwtProvider (RS256 via the local JWKS). Tokens must name the
 * server's resource URL as audience, as the HTTP layer checks.
 */
export async function startNextJwt(issuer: LocalIssuer, stateless: boolean): Promise<RunningServer> {
  const jwt = new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url });
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: jwt, requiredScopes: ['echo'] }));
  const listener = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, stateless });
  return {
    url: listener.url!,
    close: async () => {
      await listener.close();
      await mcp.close();
    },
  };
}
