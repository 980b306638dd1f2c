import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response, RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { sdkEchoServer } from '../fixtures/echo';
import type { LocalIssuer } from '../fixtures/local-jwks';

export interface RunningServer {
  url: URL;
  close(): Promise<void>;
}

/**
 * The SDK's documented stateless Streamable HTTP pattern: `createMcpExpressApp()` (JSON body,
 * DNS-rebinding protection) and a new `McpServer` + transport for every POST. With `auth`,
 * `requireBearerAuth` runs first.
 */
export async function startSdkStateless(auth?: RequestHandler): Promise<RunningServer> {
  const app = createMcpExpressApp();
  if (auth) app.use('/mcp', auth);
  app.post('/mcp', async (req: Request, res: Response) => {
    const server = sdkEchoServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  return listen(createServer(app));
}

/**
 * `requireBearerAuth` with the verifier an SDK user writes with jose: a remote JWKS (keys cached
 * by jose) and `jwtVerify` of every token (issuer, audience, RS256).
 */
export function sdkBearerAuth(issuer: LocalIssuer, audience: () => string): RequestHandler {
  const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
  const verifier: OAuthTokenVerifier = {
    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: issuer.url, audience: audience(), algorithms: ['RS256'] });
        return {
          token,
          clientId: String(payload.sub),
          scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
          expiresAt: payload.exp,
        };
      } catch {
        throw new InvalidTokenError('Invalid token');
      }
    },
  };
  return requireBearerAuth({ verifier, requiredScopes: ['echo'] });
}

function listen(server: Server): Promise<RunningServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: new URL(`http://127.0.0.1:${port}/mcp`),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
