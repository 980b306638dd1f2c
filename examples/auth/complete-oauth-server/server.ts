import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { IsString, MaxLength } from 'class-validator';
import { NextMCP, Public, RequiresScope, SESSION_STORE, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware, type GoogleOAuthProvider } from '../../../src/auth';
import { AuthRequirement } from '../../../src/protocol';
import { FileSessionStore, type SessionStore } from '../../../src/session';

const DRIVE_READONLY = 'https://www.googleapis.com/auth/drive.readonly';

class TopicInput {
  @IsString() @MaxLength(100) topic!: string;
}

@injectable()
class CompleteTools {
  constructor(@inject(SESSION_STORE) private readonly sessions: SessionStore) {}

  @Tool({ description: 'Server information' })
  @Public()
  get_server_info() {
    return { name: 'Complete OAuth Server', features: ['OAuth 2.1 with PKCE', 'file sessions', 'token refresh', 'auth metadata'] };
  }

  @Tool({ description: "The caller's profile, and how long their Google token has left" })
  get_user_profile(_input: unknown, { auth, session }: ToolContext) {
    const expiresIn = session?.expiresAt === undefined ? null : session.expiresAt - Math.floor(Date.now() / 1000);
    return { email: auth!.claims.email, name: auth!.claims.name, google_token_expires_in: expiresIn };
  }

  @Tool({ description: "List the caller's Google Drive files" })
  @RequiresScope(DRIVE_READONLY)
  list_user_files() {
    return { files: [] };
  }

  @Tool({ description: 'Personalized content for the caller' })
  create_personalized_content(input: TopicInput, { auth }: ToolContext) {
    return `Hello ${String(auth!.claims.name ?? auth!.userId)}, here is something about ${input.topic}.`;
  }

  @Tool({ description: 'Users with a session on this server' })
  async get_active_sessions() {
    const users = await this.sessions.listUsers();
    return { active_sessions: users.length };
  }

  @Tool({ description: 'Remove expired sessions now' })
  async cleanup_expired_sessions() {
    return { cleaned_sessions: await this.sessions.cleanupExpired() };
  }
}

export interface CompleteServerOptions {
  google: GoogleOAuthProvider;
  /** Where sessions are kept across restarts. */
  sessionDirectory: string;
  /** 32 bytes (64 hex characters) from the environment: tokens are encrypted at rest. */
  encryptionKey?: string;
}

/**
 * A production-shaped server: Google OAuth (REQUIRED, `openid` + `email` on every call), sessions in
 * files that survive restarts (encrypted with `encryptionKey`), provider tokens refreshed before they
 * expire, expired sessions cleaned up hourly, the seed's `get_auth_metadata` tool, and the login hosted.
 */
export function createCompleteServer(options: CompleteServerOptions): NextMCP {
  const mcp = new NextMCP({ name: 'Complete OAuth Server', version: '1.0.0', exposeAuthMetadata: true });
  const sessions = new FileSessionStore(options.sessionDirectory, { encryptionKey: options.encryptionKey });
  mcp.container.registerInstance<SessionStore>(SESSION_STORE, sessions);
  mcp.register(CompleteTools);
  mcp.use(
    createAuthMiddleware({
      provider: options.google,
      requirement: AuthRequirement.REQUIRED,
      requiredScopes: ['openid', 'email'],
      autoRefreshTokens: true, // the default, spelled out
      refreshBufferSeconds: 300,
    }),
  );
  mcp.enableOAuthLogin({ providers: [options.google] });
  // Unref'd; mcp.close() closes the store, which stops it.
  sessions.startCleanup(60 * 60 * 1000);
  return mcp;
}
