import { AuthContext } from '../auth-context';
import type { TokenResponse } from '../provider';
import {
  mapsOrgs,
  mapsTeams,
  rolesForMemberships,
  type GitHubMemberships,
  type GitHubRoleMapping,
} from '../oauth/github-role-mapping';
import { resolveEndpoints } from '../oauth/endpoint-overrides';
import { OAuthProviderError } from '../oauth/oauth-errors';
import { OAuthProvider, type OAuthClientOptions } from '../oauth/oauth-provider';
import { isRecord, requestProviderJson, type ProviderResponse } from '../oauth/provider-request';

/** GitHub endpoints; override all three for GitHub Enterprise Server (`https://ghe.example/api/v3`). */
export interface GitHubEndpoints {
  /** Where users authorize. */
  authorizationUrl?: string;
  /** The token endpoint. */
  tokenUrl?: string;
  /** The REST API (`/user`, `/user/orgs`, `/user/teams`). */
  apiBaseUrl?: string;
}

/** Options of `new GitHubOAuthProvider()`. */
export interface GitHubOAuthProviderOptions extends OAuthClientOptions {
  /** Default `['read:user']`, plus `read:org` when `roleMapping` is set. */
  scopes?: string[];
  /** github.com's endpoints by default. */
  endpoints?: GitHubEndpoints;
  /** Roles from organization / team membership (needs the `read:org` scope for teams). */
  roleMapping?: GitHubRoleMapping;
}

const DEFAULT_ENDPOINTS: Required<GitHubEndpoints> = {
  authorizationUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  apiBaseUrl: 'https://api.github.com',
};

/** Pages of `/user/orgs` or `/user/teams` read at most (100 entries each). */
const MAX_PAGES = 10;

/**
 * GitHub OAuth apps (and GitHub Apps acting for a user). A token is validated with `GET /user`;
 * its scopes are what GitHub reports in the `X-OAuth-Scopes` header, never what the client says.
 * `AuthContext.userId` is the numeric GitHub id as a string (logins can be renamed), `username`
 * the login.
 *
 * @example
 * const github = new GitHubOAuthProvider({
 *   clientId: process.env.GITHUB_CLIENT_ID!,
 *   clientSecret: process.env.GITHUB_CLIENT_SECRET,
 *   redirectUri: 'http://localhost:8080/oauth/callback',
 *   scopes: ['read:user', 'repo'],
 *   roleMapping: { teams: { 'acme/admins': ['admin'] } },
 * });
 * const result = await github.authenticate({ access_token: 'gho_…' });
 * result.context?.hasScope('repo');
 */
export class GitHubOAuthProvider extends OAuthProvider {
  /** The REST API base URL in use. */
  readonly apiBaseUrl: string;
  private readonly roleMapping?: GitHubRoleMapping;

  constructor(options: GitHubOAuthProviderOptions) {
    const endpoints = resolveEndpoints('github', DEFAULT_ENDPOINTS, options.endpoints);
    super({
      ...options,
      name: 'github',
      scopes: options.scopes ?? ['read:user', ...(options.roleMapping ? ['read:org'] : [])],
      authorizationUrl: endpoints.authorizationUrl,
      tokenUrl: endpoints.tokenUrl,
      // GitHub documents client_id/client_secret as form parameters of the token request.
      clientAuthentication: 'body',
    });
    this.apiBaseUrl = endpoints.apiBaseUrl.replace(/\/+$/, '');
    this.roleMapping = options.roleMapping;
  }

  async getUserInfo(accessToken: string): Promise<Record<string, unknown>> {
    return (await this.fetchUser(accessToken)).user;
  }

  extractUserId(userInfo: Record<string, unknown>): string {
    const id = userInfo.id;
    if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && /^\d+$/.test(id))) {
      return String(id);
    }
    throw new OAuthProviderError({
      provider: this.name,
      operation: 'GET /user',
      reason: 'provider_unavailable',
      detail: 'answered without a numeric user id',
    });
  }

  extractUsername(userInfo: Record<string, unknown>): string | undefined {
    return typeof userInfo.login === 'string' ? userInfo.login : undefined;
  }

  protected async validateAccessToken(accessToken: string): Promise<AuthContext> {
    const { user, scopes } = await this.fetchUser(accessToken);
    const memberships = await this.fetchMemberships(accessToken);
    return new AuthContext({
      userId: this.extractUserId(user),
      username: this.extractUsername(user),
      provider: this.name,
      scopes,
      roles: memberships && this.roleMapping ? rolesForMemberships(this.roleMapping, memberships) : [],
      claims: user,
      metadata: memberships ? { orgs: memberships.orgs, teams: memberships.teams } : {},
    });
  }

  /** GitHub answers `scope=repo,gist`; the wire format is space-separated. */
  protected override async processTokenResponse(token: TokenResponse): Promise<TokenResponse> {
    if (token.scope === undefined) return token;
    return { ...token, scope: splitScopes(token.scope).join(' ') };
  }

  private async fetchUser(accessToken: string): Promise<{ user: Record<string, unknown>; scopes: string[] }> {
    const response = await this.get('/user', accessToken);
    if (!isRecord(response.body)) throw OAuthProviderError.unexpectedBody(this.name, 'GET /user');
    // Only classic OAuth tokens carry X-OAuth-Scopes; GitHub App tokens have permissions instead.
    return { user: response.body, scopes: splitScopes(response.headers.get('x-oauth-scopes') ?? '') };
  }

  /** Org and team memberships, only when the role mapping needs them. */
  private async fetchMemberships(accessToken: string): Promise<GitHubMemberships | undefined> {
    if (!mapsOrgs(this.roleMapping) && !mapsTeams(this.roleMapping)) return undefined;
    const [orgs, teams] = await Promise.all([
      mapsOrgs(this.roleMapping) ? this.list('/user/orgs', accessToken, orgLogin) : [],
      mapsTeams(this.roleMapping) ? this.list('/user/teams', accessToken, teamKey) : [],
    ]);
    return { orgs, teams };
  }

  /**
   * Reads a paginated list, following `Link: rel="next"` on the API host only (the token must not
   * be sent elsewhere). A 403 (scope `read:org` not granted) means no memberships from this list:
   * fewer roles, never more.
   */
  private async list(path: string, accessToken: string, pick: (entry: unknown) => string | undefined): Promise<string[]> {
    const found: string[] = [];
    let url: string | undefined = `${this.apiBaseUrl}${path}?per_page=100`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      let response: ProviderResponse;
      try {
        response = await this.get(url, accessToken, `GET ${path}`);
      } catch (error) {
        if (error instanceof OAuthProviderError && error.status === 403 && error.reason === 'invalid_token') return found;
        throw error;
      }
      if (!Array.isArray(response.body)) throw OAuthProviderError.unexpectedBody(this.name, `GET ${path}`);
      for (const entry of response.body) {
        const key = pick(entry);
        if (key) found.push(key.toLowerCase());
      }
      url = this.nextPage(response.headers.get('link'));
    }
    return found;
  }

  private nextPage(link: string | null): string | undefined {
    const next = link?.split(',').find((part) => /;\s*rel="?next"?/.test(part));
    const target = next?.match(/<([^>]+)>/)?.[1];
    if (!target) return undefined;
    return new URL(target).origin === new URL(this.apiBaseUrl).origin ? target : undefined;
  }

  private get(pathOrUrl: string, accessToken: string, operation = `GET ${pathOrUrl}`): Promise<ProviderResponse> {
    const url = pathOrUrl.startsWith('/') ? `${this.apiBaseUrl}${pathOrUrl}` : pathOrUrl;
    return requestProviderJson({
      provider: this.name,
      operation,
      url,
      headers: {
        Authorization: `Bearer ${accessToken}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        // GitHub refuses API requests without a User-Agent.
        'User-Agent': 'nextmcp',
      },
      timeoutMs: this.timeoutMs,
    });
  }
}

function splitScopes(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
}

function orgLogin(entry: unknown): string | undefined {
  return isRecord(entry) && typeof entry.login === 'string' ? entry.login : undefined;
}

function teamKey(entry: unknown): string | undefined {
  if (!isRecord(entry) || typeof entry.slug !== 'string' || !isRecord(entry.organization)) return undefined;
  const org = entry.organization.login;
  return typeof org === 'string' ? `${org}/${entry.slug}` : undefined;
}
