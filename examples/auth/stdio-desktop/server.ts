import 'reflect-metadata';
import { IsString, MaxLength } from 'class-validator';
import { NextMCP, RequiresScope, Tool, type ToolContext } from '../../../src';
import { GitHubOAuthProvider, createAuthMiddleware } from '../../../src/auth';

class NoteInput {
  @IsString() @MaxLength(200) text!: string;
}

class NotesTools {
  private readonly notes: string[] = [];

  @Tool({ description: 'Who the server thinks you are' })
  whoami(_input: unknown, { auth }: ToolContext) {
    return { user: auth!.username, scopes: [...auth!.scopes].sort() };
  }

  @Tool({ description: 'Save a note to your gist (needs the gist scope)' })
  @RequiresScope('gist')
  save_note(input: NoteInput) {
    this.notes.push(input.text);
    return { saved: this.notes.length };
  }
}

/**
 * A stdio MCP server for a desktop client (Claude Desktop, an IDE): the client starts it with a
 * command and environment variables only, so the user's GitHub token arrives in `NOTES_TOKEN` and
 * becomes the connection's default credentials, checked with GitHub like any other token.
 * `GITHUB_API_BASE_URL` points it at GitHub Enterprise (or the demo's local stand-in).
 */
export function createDesktopServer(env: NodeJS.ProcessEnv): NextMCP {
  const github = new GitHubOAuthProvider({
    // Only checking tokens (GET /user): the client id names the app that issued them.
    clientId: env.GITHUB_CLIENT_ID ?? 'notes-desktop',
    endpoints: { apiBaseUrl: env.GITHUB_API_BASE_URL },
  });
  const mcp = new NextMCP({ name: 'notes', version: '1.0.0' });
  mcp.register(NotesTools);
  mcp.use(createAuthMiddleware({ provider: github }));
  return mcp;
}

// What the desktop client runs. Logs go to stderr: on stdio, stdout is the protocol.
if (require.main === module) {
  createDesktopServer(process.env)
    .listen({ transport: 'stdio', credentials: { access_token: process.env.NOTES_TOKEN } })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
