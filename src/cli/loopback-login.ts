import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthStateError } from '../auth/oauth/oauth-errors';
import { OAuthLoginFlow, type OAuthLoginResult } from '../auth/oauth/oauth-login-flow';
import type { OAuthProvider } from '../auth/oauth/oauth-provider';
import { createOAuthRoutes } from '../auth/oauth/oauth-routes';

export interface LoopbackLoginOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** How long to wait for the browser to come back. */
  timeoutMs: number;
  /** Builds the provider once the redirect URI (with the bound port) is known. */
  createProvider(redirectUri: string): Promise<OAuthProvider>;
  /** Told the authorization URL to show the user. */
  onAuthorizationUrl(url: string): void;
}

type Outcome = { result: OAuthLoginResult } | { error: unknown };

/**
 * A native-app login (RFC 8252 §7.3): a one-shot redirect listener on 127.0.0.1, the login-flow
 * core for PKCE and state, and the callback answered with a small page before the listener
 * closes. Callbacks with an unknown state (stray or forged requests) are refused and waited past;
 * any other failure ends the login.
 */
export async function runLoopbackLogin(options: LoopbackLoginOptions): Promise<OAuthLoginResult> {
  const server = createServer();
  await listen(server, options.port ?? 0);
  let timer: NodeJS.Timeout | undefined;
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const provider = await options.createProvider(redirectUri);
    const flow = new OAuthLoginFlow({ providers: [provider], redirectUri });

    const finished = new Promise<OAuthLoginResult>((resolve, reject) => {
      let outcome: Outcome | undefined;
      const routes = createOAuthRoutes(flow, {
        callbackPath: '/callback',
        authorizePath: '/authorize',
        // The URL is opened straight at the provider, so there is no authorize-route cookie.
        bindStateToBrowser: false,
        onLogin: (result) => {
          outcome = { result };
        },
        onFailure: (error) => {
          if (!(error instanceof OAuthStateError)) outcome = { error };
        },
        renderSuccess: ({ authContext }) => ({
          title: 'Signed in',
          message: `Signed in with ${provider.name} as ${authContext.username ?? authContext.userId}. You can close this window and return to the terminal.`,
        }),
      });
      server.on('request', (req, res) => {
        // Settle only once the page is sent, so closing the listener does not cut it off.
        res.on('finish', () => {
          if (!outcome) return;
          if ('result' in outcome) resolve(outcome.result);
          else reject(outcome.error);
        });
        if (!routes(req, res)) res.writeHead(404).end();
      });
      timer = setTimeout(
        () => reject(new Error(`No browser came back within ${Math.round(options.timeoutMs / 1000)} s`)),
        options.timeoutMs,
      );
    });

    const { url } = await flow.begin(provider.name);
    options.onAuthorizationUrl(url);
    return await finished;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
