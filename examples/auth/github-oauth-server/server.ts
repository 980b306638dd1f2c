import 'reflect-metadata';
import { NextMCP, Public, RequiresScope, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware, type GitHubOAuthProvider } from '../../../src/auth';
import { AuthRequirement } from '../../../src/protocol';
import { MemorySessionStore } from '../../../src/session';

/** The tools: who the caller is at GitHub, and their organizations (read with the caller's own GitHub token). */
export class GitHubTools {
  constructor(
    private readonly github: GitHubOAuthProvider,
    private readonly loginUrl: string,
  ) {}

  @Tool({ description: 'Where to sign in with GitHub; paste the token it shows into your MCP client' })
  @Public()
  get_authorization_url() {
    // The login route does PKCE and state itself: the verifier never leaves the server.
    return { url: this.loginUrl };
  }

  @Tool({ description: "The caller's GitHub identity and granted scopes" })
  get_my_profile(_input: unknown, { auth }: ToolContext) {
    return { user_id: auth!.userId, username: auth!.username, scopes: [...auth!.scopes].sort() };
  }

  @Tool({ description: "The caller's GitHub organizations (needs the read:org scope)" })
  @RequiresScope('read:org')
  async list_my_orgs(_input: unknown, { session }: ToolContext) {
    // ctx.session holds the caller's GitHub token (kept fresh by the middleware): call GitHub as them.
    const response = await fetch(`${this.github.apiBaseUrl}/user/orgs`, {
      headers: { authorization: `Bearer ${session!.accessToken}`, accept: 'application/vnd.github+json' },
    });
    const orgs = (await response.json()) as { login: string }[];
    return { orgs: orgs.map((org) => org.login) };
  }
}

/**
 * An MCP server behind GitHub OAuth: every call needs a GitHub token (REQUIRED), sessions keep the
 * verified identity, and the server hosts the login (`/oauth/authorize?provider=github` and the
 * callback registered with the GitHub OAuth app).
 */
export function createGitHubServer(github: GitHubOAuthProvider, publicBase: string): NextMCP {
  const mcp = new NextMCP({ name: 'GitHub OAuth Example', version: '1.0.0' });
  mcp.container.registerInstance(GitHubTools, new GitHubTools(github, `${publicBase}/oauth/authorize?provider=github`));
  mcp.register(GitHubTools);
  mcp.use(createAuthMiddleware({ provider: github, requirement: AuthRequirement.REQUIRED, sessionStore: new MemorySessionStore() }));
  mcp.enableOAuthLogin({ providers: [github] });
  return mcp;
}
