import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationError } from '../errors';
import { hashToken } from '../token-hash';
import { renderLoginPage, type LoginPageContent } from './login-page';
import { OAuthCallbackError, RedirectNotAllowedError } from './oauth-errors';
import { readCookie } from '../http/cookies';
import type { OAuthLoginFlow, OAuthLoginResult } from './oauth-login-flow';

/** Options of `createOAuthRoutes(flow, options)`. */
export interface OAuthRoutesOptions {
  /**
   * Called after a successful login, before the browser gets its answer: create the session here.
   * If it throws, the browser sees a 500 page and no session is assumed.
   */
  onLogin(result: OAuthLoginResult, req: IncomingMessage): void | Promise<void>;
  /** Default `/oauth/authorize` (`?provider=github[&scope=a b][&return_to=…]`). */
  authorizePath?: string;
  /** Default `/oauth/callback`; must be the path of the flow's redirect URI. */
  callbackPath?: string;
  /**
   * Bind each login to the browser that started it with a cookie set by the authorize route, so a
   * callback URL made by someone else cannot log a victim into the attacker's account (login CSRF).
   * Default true; turn off only when the authorization URL is not opened through the authorize
   * route (the CLI's loopback listener).
   */
  bindStateToBrowser?: boolean;
  /** Told about every callback that did not end in a login (after the browser got its page). */
  onFailure?(error: unknown): void;
  /** The page shown after a login without `returnTo`. */
  renderSuccess?(result: OAuthLoginResult): LoginPageContent;
}

/** `(req, res) => true` when the request was for one of the login routes (and is being answered). */
export type OAuthRouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const STATE_COOKIE = 'nextmcp_oauth_state';

/** Pages must not be cached, framed, or leak the code-bearing URL through Referer. */
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

/**
 * Plain `node:http` routes around an `OAuthLoginFlow`: `GET /oauth/authorize?provider=…` redirects
 * to the provider (PKCE and state included); `GET /oauth/callback` completes the login, calls
 * `onLogin`, and answers with a small HTML page or a redirect to the allowed `returnTo`.
 *
 * @example
 * const routes = createOAuthRoutes(flow, {
 *   onLogin: async ({ provider, token, authContext }) => {
 *     await sessions.save(new SessionData({ userId: authContext.userId, accessToken: token.access_token,
 *       refreshToken: token.refresh_token, provider: provider.name, scopes: [...authContext.scopes] }));
 *   },
 * });
 * http.createServer((req, res) => { if (!routes(req, res)) mcpHandler(req, res); });
 */
export function createOAuthRoutes(flow: OAuthLoginFlow, options: OAuthRoutesOptions): OAuthRouteHandler {
  const authorizePath = options.authorizePath ?? '/oauth/authorize';
  const callbackPath = options.callbackPath ?? '/oauth/callback';
  const bindState = options.bindStateToBrowser ?? true;

  const authorize = async (url: URL, res: ServerResponse) => {
    const providerName = single(url.searchParams, 'provider');
    if (!providerName || !flow.getProvider(providerName)) {
      return sendPage(res, 400, { title: 'Unknown provider', message: `Choose one of: ${flow.providerNames.join(', ')}.` });
    }
    const scope = single(url.searchParams, 'scope');
    let begun;
    try {
      begun = await flow.begin(providerName, {
        scopes: scope ? scope.split(' ').filter((s) => s !== '') : undefined,
        returnTo: single(url.searchParams, 'return_to'),
      });
    } catch (error) {
      if (error instanceof RedirectNotAllowedError) {
        return sendPage(res, 400, { title: 'Login refused', message: error.message });
      }
      return sendPage(res, 503, { title: 'Login unavailable', message: 'The login could not be started; try again shortly.' });
    }
    const headers: Record<string, string> = { Location: begun.url, ...PAGE_HEADERS };
    if (bindState) {
      const secure = begun.redirectUri.startsWith('https:') ? '; Secure' : '';
      // SameSite=Lax: the cookie must come back on the provider's top-level redirect to the callback.
      headers['Set-Cookie'] =
        `${STATE_COOKIE}=${hashToken(begun.state)}; Path=${callbackPath}; HttpOnly; SameSite=Lax; Max-Age=900${secure}`;
    }
    res.writeHead(302, headers).end();
  };

  const callback = async (url: URL, req: IncomingMessage, res: ServerResponse) => {
    const clearCookie: Record<string, string> = bindState
      ? { 'Set-Cookie': `${STATE_COOKIE}=; Path=${callbackPath}; HttpOnly; SameSite=Lax; Max-Age=0` }
      : {};
    const state = single(url.searchParams, 'state');
    if (bindState && !url.searchParams.has('error') && (!state || readCookie(req, STATE_COOKIE) !== hashToken(state))) {
      return sendPage(res, 400, { title: 'Login refused', message: 'This login was not started in this browser. Start again.' }, clearCookie);
    }
    let result: OAuthLoginResult;
    try {
      result = await flow.complete(url.searchParams);
    } catch (error) {
      sendPage(res, statusFor(error), failurePage(error), clearCookie);
      return options.onFailure?.(error);
    }
    try {
      await options.onLogin(result, req);
    } catch (error) {
      sendPage(res, 500, { title: 'Login failed', message: 'The login could not be recorded. Try again.' }, clearCookie);
      return options.onFailure?.(error);
    }
    if (result.returnTo) {
      res.writeHead(303, { Location: result.returnTo, ...PAGE_HEADERS, ...clearCookie }).end();
      return;
    }
    sendPage(res, 200, options.renderSuccess?.(result) ?? defaultSuccess(result), clearCookie);
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== authorizePath && url.pathname !== callbackPath) return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET', ...PAGE_HEADERS }).end();
      return true;
    }
    const answer = url.pathname === authorizePath ? authorize(url, res) : callback(url, req, res);
    answer.catch(() => {
      if (!res.headersSent) sendPage(res, 500, { title: 'Login failed', message: 'Unexpected error.' });
      else res.end();
    });
    return true;
  };
}

function defaultSuccess(result: OAuthLoginResult): LoginPageContent {
  const who = result.authContext.username ?? result.authContext.userId;
  return {
    title: 'Signed in',
    message: `Signed in with ${result.provider.name} as ${who}. You can close this window.`,
  };
}

function failurePage(error: unknown): LoginPageContent {
  if (error instanceof OAuthCallbackError) return { title: 'Login cancelled', message: error.message };
  if (error instanceof AuthenticationError) return { title: 'Login failed', message: error.message };
  return { title: 'Login failed', message: 'Unexpected error.' };
}

function statusFor(error: unknown): number {
  if (error instanceof AuthenticationError) return error.reason === 'provider_unavailable' ? 503 : 400;
  return 500;
}

function sendPage(res: ServerResponse, status: number, page: LoginPageContent, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...PAGE_HEADERS, ...headers })
    .end(renderLoginPage(page));
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

