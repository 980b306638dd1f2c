import 'reflect-metadata';
import { IsString, MaxLength } from 'class-validator';
import { NextMCP, type ToolContext } from 'nextmcp';
import { createAuthMiddleware, GitHubOAuthProvider, requiresScope } from 'nextmcp/auth';

class AddNoteInput {
  @IsString() @MaxLength(500) text!: string;
}

export interface NotesServerOptions {
  github: GitHubOAuthProvider;
  /** Port to listen on (0 picks a free one). */
  port: number;
  /** The public URL of the MCP endpoint (behind a proxy); default `http://127.0.0.1:{port}/mcp`. */
  publicUrl?: string;
  /** The authorization server's private signing key (JWK JSON); without it one is generated at start. */
  signingKey?: string;
}

/**
 * A notes server that stock MCP clients (Claude, VS Code, MCP Inspector) log in to with GitHub:
 * the server is its own OAuth authorization server in front of GitHub, so the client registers,
 * opens the browser, and receives a token for this server only. Tools see the GitHub user in
 * `ctx.auth` and call GitHub with the user's token from `ctx.session`.
 */
export async function startNotesServer(options: NotesServerOptions): Promise<{ mcp: NextMCP; url: URL }> {
  const notes = new Map<string, string[]>();
  const mcp = new NextMCP({ name: 'GitHub notes', version: '1.0.0' });

  mcp.tool('whoami', { description: 'Who you are: GitHub asked with your own token' }, async (_args: unknown, { auth, session }: ToolContext) => {
    const response = await fetch(`${options.github.apiBaseUrl}/user`, {
      headers: { Authorization: `Bearer ${session!.accessToken}`, Accept: 'application/vnd.github+json', 'User-Agent': 'nextmcp-example' },
    });
    const user = (await response.json()) as { login?: string; name?: string };
    return { github: user.login, name: user.name ?? null, userId: auth!.userId, client: auth!.claims.client_id, scopes: [...auth!.scopes] };
  });
  mcp.tool('list_notes', { description: 'Your notes' }, async (_args: unknown, { auth }: ToolContext) => ({ notes: notes.get(auth!.userId) ?? [] }));
  mcp.tool(
    'add_note',
    { description: 'Add a note (needs notes:write)', input: AddNoteInput },
    requiresScope('notes:write')(async (input: AddNoteInput, { auth }: ToolContext) => {
      const mine = notes.get(auth!.userId) ?? [];
      mine.push(input.text);
      notes.set(auth!.userId, mine);
      return { count: mine.length };
    }),
  );

  const authServer = mcp.enableAuthorizationServer({
    upstream: options.github,
    scopesSupported: ['notes:read', 'notes:write'],
    signingKey: options.signingKey,
  });
  mcp.use(createAuthMiddleware({ provider: authServer, requiredScopes: ['notes:read'] }));
  const listener = await mcp.listen({ transport: 'http', port: options.port, resourceUrl: options.publicUrl });
  return { mcp, url: new URL(options.publicUrl ?? listener.url!.href) };
}
