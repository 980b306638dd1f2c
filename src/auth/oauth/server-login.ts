import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import { SESSION_STORE } from '../../di/tokens';
import { SessionData, epochSeconds } from '../../session/session-data';
import type { SessionStore } from '../../session/session-store';
import type { ServerAuth } from '../server-auth';
import { SESSION_IDENTITY_KEY, identitySnapshot } from '../session-identity';
import { StartupError } from '../../startup-error';
import { OAuthLoginFlow, type OAuthLoginFlowOptions, type OAuthLoginResult } from './oauth-login-flow';
import type { OAuthProvider } from './oauth-provider';
import { createOAuthRoutes } from './oauth-routes';

/** Options of `mcp.enableOAuthLogin()`. */
export interface ServerLoginOptions extends Omit<OAuthLoginFlowOptions, 'providers'> {
  /** The providers users may log in with (GitHub, Google, …). */
  providers: OAuthProvider[];
  /** Where logins create sessions; default the auth middleware's store, else `SESSION_STORE` from DI. */
  sessionStore?: SessionStore;
  /**
   * Show the access token on the success page so the user can paste it into their MCP client
   * (default true). The page is `no-store`, `no-referrer` and script-free.
   */
  showToken?: boolean;
  /** Default `/oauth/authorize`. */
  authorizePath?: string;
  /** Default `/oauth/callback`; must be the path of `redirectUri`. */
  callbackPath?: string;
}

interface LoginHost {
  readonly auth: ServerAuth;
  readonly container: DependencyContainer;
  addHttpRoute(route: (req: IncomingMessage, res: ServerResponse) => boolean): unknown;
}

/**
 * Server-hosted OAuth login on the HTTP listener: `GET /oauth/authorize?provider=github` redirects
 * to the provider with PKCE and a state bound to the browser; `GET /oauth/callback` exchanges the
 * code, creates the user's session in the configured store, and answers with a small page.
 * Redirect and return URLs are exact-matched, so the routes cannot be used as an open redirect.
 */
export function mountOAuthLogin(host: LoginHost, options: ServerLoginOptions): OAuthLoginFlow {
  const { providers, sessionStore, showToken = true, authorizePath, callbackPath, ...flowOptions } = options;
  if (!providers || providers.length === 0) throw new StartupError('enableOAuthLogin() needs at least one provider');
  for (const provider of providers) host.auth.providers.add(provider);
  const flow = new OAuthLoginFlow({ ...flowOptions, providers });
  const store = (): SessionStore => {
    const found =
      sessionStore ??
      host.auth.sessionStores()[0] ??
      (host.container.isRegistered(SESSION_STORE, true) ? host.container.resolve<SessionStore>(SESSION_STORE) : undefined);
    if (!found) throw new StartupError('OAuth login needs a session store: pass sessionStore or install the auth middleware');
    return found;
  };
  host.addHttpRoute(
    createOAuthRoutes(flow, {
      authorizePath,
      callbackPath,
      onLogin: async (result) => {
        await store().save(sessionFromLogin(result));
        host.auth.events.emit('session:created', { provider: result.provider.name, userId: result.authContext.userId });
      },
      renderSuccess: (result) => ({
        title: 'Signed in',
        message: `Signed in with ${result.provider.name} as ${result.authContext.username ?? result.authContext.userId}.` +
          (showToken ? ' Use this access token in your MCP client:' : ' You can close this window.'),
        ...(showToken && { code: result.token.access_token }),
      }),
    }),
  );
  return flow;
}

/** The session a finished login creates: the provider's tokens and the verified identity. */
export function sessionFromLogin({ provider, token, authContext }: OAuthLoginResult): SessionData {
  return new SessionData({
    userId: authContext.userId,
    provider: provider.name,
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    tokenType: token.token_type,
    expiresAt: token.expires_in !== undefined ? epochSeconds() + token.expires_in : authContext.expiresAt,
    scopes: [...authContext.scopes],
    userInfo: { ...(authContext.username !== undefined && { username: authContext.username }) },
    metadata: { [SESSION_IDENTITY_KEY]: identitySnapshot(authContext) },
  });
}
