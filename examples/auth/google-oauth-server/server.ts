import 'reflect-metadata';
import { NextMCP, RequiresScope, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware, type GoogleOAuthProvider } from '../../../src/auth';
import { AuthRequirement } from '../../../src/protocol';
import { MemorySessionStore } from '../../../src/session';

export const DRIVE_READONLY = 'https://www.googleapis.com/auth/drive.readonly';

class GoogleTools {
  @Tool({ description: "The caller's Google account" })
  get_user_profile(_input: unknown, { auth }: ToolContext) {
    // Claims are what Google's userinfo endpoint said when the token was verified.
    return { user_id: auth!.userId, email: auth!.claims.email, name: auth!.claims.name };
  }

  @Tool({ description: "Files in the caller's Google Drive (needs drive.readonly)" })
  @RequiresScope(DRIVE_READONLY)
  list_drive_files(_input: unknown, { session }: ToolContext) {
    // A real server would call the Drive API with session!.accessToken here.
    return { files: [], token_present: session !== undefined };
  }
}

/**
 * An MCP server behind Google OAuth. Every call needs a Google token with the `profile` and
 * `email` scopes (Google reports them as URLs; the context also holds the short names), and the
 * server hosts the login. `tokeninfo` checks that the token was issued to *this* client id.
 */
export function createGoogleServer(google: GoogleOAuthProvider): NextMCP {
  const mcp = new NextMCP({ name: 'Google OAuth Example', version: '1.0.0' });
  mcp.register(GoogleTools);
  mcp.use(
    createAuthMiddleware({
      provider: google,
      requirement: AuthRequirement.REQUIRED,
      sessionStore: new MemorySessionStore(),
      requiredScopes: ['profile', 'email'],
    }),
  );
  mcp.enableOAuthLogin({ providers: [google] });
  return mcp;
}
