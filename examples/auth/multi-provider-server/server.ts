import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { NextMCP, RequiresAuth, SESSION_STORE, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware, type GitHubOAuthProvider, type GoogleOAuthProvider } from '../../../src/auth';
import { MemorySessionStore, type SessionStore } from '../../../src/session';

@injectable()
class MultiProviderTools {
  constructor(@inject(SESSION_STORE) private readonly sessions: SessionStore) {}

  @Tool({ description: 'Who is calling, and through which provider (either works)' })
  whoami(_input: unknown, { auth }: ToolContext) {
    return { provider: auth!.provider, user_id: auth!.userId, username: auth!.username };
  }

  @Tool({ description: 'GitHub-only: the GitHub login' })
  @RequiresAuth('github')
  get_github_profile(_input: unknown, { auth }: ToolContext) {
    return { login: auth!.username, scopes: [...auth!.scopes] };
  }

  @Tool({ description: 'Google-only: the Google account' })
  @RequiresAuth('google')
  get_google_profile(_input: unknown, { auth }: ToolContext) {
    return { email: auth!.claims.email };
  }

  @Tool({ description: 'Active sessions, counted by provider' })
  async get_active_sessions_by_provider() {
    const counts: Record<string, number> = {};
    for (const userId of await this.sessions.listUsers()) {
      for (const provider of ['github', 'google']) {
        if (await this.sessions.exists(userId, provider)) counts[provider] = (counts[provider] ?? 0) + 1;
      }
    }
    return counts;
  }
}

/**
 * One server, two OAuth providers: a token is routed to the provider that accepts it (or the one a
 * `provider` hint names), `ctx.auth.provider` says which, and `@RequiresAuth('github')` pins a tool
 * to one of them. Sessions are keyed by (provider, user id): GitHub user 1001 and Google user 1001
 * are two people. The store comes from the DI container, where the tools find it too.
 */
export function createMultiProviderServer(github: GitHubOAuthProvider, google: GoogleOAuthProvider): NextMCP {
  const mcp = new NextMCP({ name: 'Multi-Provider OAuth Server', version: '1.0.0', exposeAuthMetadata: true });
  mcp.container.registerInstance<SessionStore>(SESSION_STORE, new MemorySessionStore());
  mcp.register(MultiProviderTools);
  mcp.use(createAuthMiddleware({ providers: [github, google] }));
  mcp.enableOAuthLogin({ providers: [github, google] });
  return mcp;
}
