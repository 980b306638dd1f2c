import type { ServerResponse } from 'node:http';
import {
  AuthorizationCodes,
  FakeHttpServer,
  authorizeRedirect,
  bearerToken,
  clientCredentials,
  randomToken,
  sendForm,
  sendJson,
  type FakeRequest,
} from './fake-oauth-server';

export interface FakeGitHubUser {
  id: number;
  login: string;
  name?: string;
  email?: string;
  /** Organization logins the user belongs to. */
  orgs?: string[];
  /** Teams as `org/team-slug`. */
  teams?: string[];
}

export interface FakeGitHubOptions {
  clientId?: string;
  clientSecret?: string;
  users?: FakeGitHubUser[];
  /** Login the authorize endpoint signs in as (default: the first user). */
  authorizeAs?: string;
  /**
   * Token response format: `'accept'` (GitHub's behaviour: JSON when the request accepts JSON,
   * else form-encoded), or always `'json'` / `'form'`.
   */
  tokenFormat?: 'accept' | 'json' | 'form';
  /** Issue expiring tokens with refresh tokens (GitHub Apps); default false (classic OAuth apps). */
  expiringTokens?: boolean;
}

interface IssuedToken {
  login: string;
  scopes: string[];
}

/**
 * A local stand-in for GitHub's OAuth and REST endpoints, shaped like the documented API:
 * `/login/oauth/authorize`, `/login/oauth/access_token` (errors as HTTP 200 bodies such as
 * `{ error: 'bad_verification_code' }`, JSON or form-encoded), `GET /user` with `X-OAuth-Scopes`,
 * paginated `/user/orgs` and `/user/teams` (403 without `read:org`).
 *
 * @example
 * const gh = await startFakeGitHub({ users: [{ id: 42, login: 'octo' }] });
 * const token = gh.issueToken('octo', ['read:user']);
 * const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
 * await gh.stop();
 */
export class FakeGitHub {
  readonly server = new FakeHttpServer();
  readonly clientId: string;
  readonly clientSecret: string;
  authorizeAs: string;
  tokenFormat: 'accept' | 'json' | 'form';
  expiringTokens: boolean;
  private readonly users = new Map<string, FakeGitHubUser>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, IssuedToken>();
  private readonly codes = new AuthorizationCodes();

  constructor(options: FakeGitHubOptions = {}) {
    this.clientId = options.clientId ?? 'gh-client-id';
    this.clientSecret = options.clientSecret ?? 'gh-client-secret';
    for (const user of options.users ?? [{ id: 1001, login: 'octocat', name: 'The Octocat' }]) this.addUser(user);
    this.authorizeAs = options.authorizeAs ?? [...this.users.keys()][0];
    this.tokenFormat = options.tokenFormat ?? 'accept';
    this.expiringTokens = options.expiringTokens ?? false;
    this.server
      .route('GET', '/login/oauth/authorize', (req, res) => authorizeRedirect(req, res, this.codes, this.authorizeAs))
      .route('POST', '/login/oauth/access_token', (req, res) => this.token(req, res))
      .route('GET', '/user', (req, res) => this.user(req, res))
      .route('GET', '/user/orgs', (req, res) => this.list(req, res, (u) => (u.orgs ?? []).map((login) => ({ login }))))
      .route('GET', '/user/teams', (req, res) =>
        this.list(req, res, (u) => (u.teams ?? []).map((t) => ({ slug: t.split('/')[1], organization: { login: t.split('/')[0] } })), 'read:org'),
      );
  }

  get url(): string {
    return this.server.url;
  }

  /** Endpoint overrides for `GitHubOAuthProvider`. */
  get endpoints(): { authorizationUrl: string; tokenUrl: string; apiBaseUrl: string } {
    return {
      authorizationUrl: `${this.url}/login/oauth/authorize`,
      tokenUrl: `${this.url}/login/oauth/access_token`,
      apiBaseUrl: this.url,
    };
  }

  addUser(user: FakeGitHubUser): void {
    this.users.set(user.login, user);
  }

  /** Registers and returns an access token for `login` with these scopes. */
  issueToken(login: string, scopes: string[] = ['read:user']): string {
    const token = randomToken('gho_');
    this.tokens.set(token, { login, scopes });
    return token;
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  requestCount(path: string): number {
    return this.server.requestCount(path);
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private token(req: FakeRequest, res: ServerResponse): void {
    const respond = (body: Record<string, string | number>) => {
      const json = this.tokenFormat === 'json' || (this.tokenFormat === 'accept' && (req.headers.accept ?? '').includes('json'));
      if (json) return sendJson(res, 200, body);
      sendForm(res, 200, Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])));
    };
    const client = clientCredentials(req);
    if (client.id !== this.clientId || client.secret !== this.clientSecret) {
      return respond({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
    }
    let grant: IssuedToken;
    if (req.form.get('grant_type') === 'refresh_token') {
      const old = req.form.get('refresh_token') ?? '';
      const previous = this.refreshTokens.get(old);
      // Rotation: a refresh token works once.
      this.refreshTokens.delete(old);
      if (!previous) return respond({ error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' });
      grant = previous;
    } else {
      const redeemed = this.codes.redeem(req.form.get('code') ?? '', {
        clientId: client.id,
        redirectUri: req.form.get('redirect_uri') ?? undefined,
        verifier: req.form.get('code_verifier') ?? undefined,
      });
      if (redeemed === 'redirect_uri_mismatch') return respond({ error: 'redirect_uri_mismatch' });
      if (typeof redeemed === 'string') {
        return respond({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      }
      grant = { login: redeemed.subject, scopes: redeemed.scopes };
    }
    const accessToken = this.issueToken(grant.login, grant.scopes);
    const body: Record<string, string | number> = { access_token: accessToken, token_type: 'bearer', scope: grant.scopes.join(',') };
    if (this.expiringTokens) {
      const refreshToken = randomToken('ghr_');
      this.refreshTokens.set(refreshToken, grant);
      Object.assign(body, { expires_in: 28800, refresh_token: refreshToken, refresh_token_expires_in: 15897600 });
    }
    respond(body);
  }

  private authorized(req: FakeRequest, res: ServerResponse): { user: FakeGitHubUser; token: IssuedToken } | undefined {
    const token = this.tokens.get(bearerToken(req) ?? '');
    const user = token && this.users.get(token.login);
    if (!token || !user) {
      sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return undefined;
    }
    return { user, token };
  }

  private user(req: FakeRequest, res: ServerResponse): void {
    const found = this.authorized(req, res);
    if (!found) return;
    const { user, token } = found;
    sendJson(
      res,
      200,
      { id: user.id, login: user.login, name: user.name ?? null, email: user.email ?? null, type: 'User' },
      { 'X-OAuth-Scopes': token.scopes.join(', '), 'X-Accepted-OAuth-Scopes': '' },
    );
  }

  /** A paginated list (`per_page`, `page`, `Link: rel="next"`), optionally needing a scope. */
  private list(req: FakeRequest, res: ServerResponse, items: (user: FakeGitHubUser) => unknown[], scope?: string): void {
    const found = this.authorized(req, res);
    if (!found) return;
    if (scope && !found.token.scopes.includes(scope)) {
      return sendJson(res, 403, { message: 'Resource not accessible by integration' });
    }
    const all = items(found.user);
    const perPage = Number(req.url.searchParams.get('per_page') ?? 30);
    const page = Number(req.url.searchParams.get('page') ?? 1);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(req.url);
      next.searchParams.set('page', String(page + 1));
      headers.Link = `<${next.toString()}>; rel="next"`;
    }
    sendJson(res, 200, all.slice((page - 1) * perPage, page * perPage), headers);
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}
