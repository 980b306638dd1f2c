import 'reflect-metadata';
import { IsString, MaxLength } from 'class-validator';
import { NextMCP, Tool, RequiresScope, RequiresRole, type ToolContext } from 'nextmcp';
import { JwtProvider, createAuthMiddleware } from 'nextmcp/auth';
import { AuthRequirement } from 'nextmcp/protocol';

class AddNoteInput {
  @IsString() @MaxLength(200) text!: string;
}

class NotesTools {
  private readonly notes: string[] = [];

  @Tool({ description: 'Who is calling, as the server sees it' })
  whoami(_input: unknown, { auth }: ToolContext) {
    return { user: auth!.userId, scopes: [...auth!.scopes] };
  }

  @Tool({ description: 'Add a note' })
  @RequiresScope('notes:write')
  addNote(input: AddNoteInput, { auth }: ToolContext) {
    this.notes.push(`${auth!.userId}: ${input.text}`);
    return { count: this.notes.length };
  }

  @Tool({ description: 'Delete every note' })
  @RequiresRole('admin')
  purge() {
    this.notes.length = 0;
    return 'purged';
  }
}

/** The demo server: every call needs a token from `issuer` with `notes:read`; tools add more. */
export async function startNotesServer(issuer: string) {
  const mcp = new NextMCP({ name: 'Notes', version: '1.0.0' });
  mcp.register(NotesTools);
  mcp.use(
    createAuthMiddleware({
      provider: new JwtProvider({ jwksUri: `${issuer}/jwks`, issuer }),
      requirement: AuthRequirement.REQUIRED,
      requiredScopes: ['notes:read'],
    }),
  );
  const listener = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, path: '/mcp' });
  return { mcp, url: listener.url! };
}
