import 'reflect-metadata';
import { NextMCP, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware, type GitHubOAuthProvider } from '../../../src/auth';
import type { SessionStore } from '../../../src/session';

/**
 * A server whose users can sign out: `sign_out` deletes the caller's session, so their next call is
 * checked with GitHub again. (A token revoked at GitHub stays accepted from its session for at most
 * `sessionTrustSeconds`; deleting the session ends that at once.)
 */
export function createSessionServer(github: GitHubOAuthProvider, sessions: SessionStore): NextMCP {
  class AccountTools {
    @Tool({ description: 'Who is calling' })
    whoami(_input: unknown, { auth, session }: ToolContext) {
      return { user: auth!.username, session_since: session?.createdAt };
    }

    @Tool({ description: "Sign out: delete the caller's session" })
    async sign_out(_input: unknown, { auth }: ToolContext) {
      return { signed_out: await sessions.delete(auth!.userId, auth!.provider) };
    }
  }
  const mcp = new NextMCP({ name: 'Session Management Example', version: '1.0.0' });
  mcp.register(AccountTools);
  mcp.use(createAuthMiddleware({ provider: github, sessionStore: sessions, sessionTrustSeconds: 300 }));
  return mcp;
}
