import 'reflect-metadata';
import { NextMCP, Public, RequiresPermission, RequiresRole, RequiresScope, Tool, type ToolContext } from '../../../src';
import { JwtProvider, createAuthMiddleware, requiresScope } from '../../../src/auth';
import { AuthRequirement } from '../../../src/protocol';

class NotesTools {
  @Tool({ description: 'Health check: open to everyone, even under a REQUIRED middleware' })
  @Public()
  health() {
    return 'ok';
  }

  @Tool({ description: 'Read notes: what the middleware asks (notes:read) is enough' })
  read_notes(_input: unknown, { auth }: ToolContext) {
    return { reader: auth!.userId, notes: ['first note'] };
  }

  @Tool({ description: 'Add a note: the middleware AND notes:write' })
  @RequiresScope('notes:write')
  add_note() {
    return 'added';
  }

  @Tool({ description: 'Edit any note: notes:write AND one of the roles editor, admin' })
  @RequiresScope('notes:write')
  @RequiresRole('editor', 'admin')
  edit_note() {
    return 'edited';
  }

  @Tool({ description: 'Delete a note: one of the permissions notes:delete or notes:* (wildcards match)' })
  @RequiresPermission('notes:delete')
  delete_note() {
    return 'deleted';
  }
}

export interface MixingServer {
  mcp: NextMCP;
  /** What the logging middleware saw: one line per request. */
  requests: string[];
}

/**
 * Three layers, one decision: a global REQUIRED middleware (`notes:read` on every call), decorators
 * per method (and `@Public()` to opt out), a functional wrapper for a tool registered with
 * `mcp.tool()`, plus an ordinary middleware of your own. They combine with AND and are decided once.
 */
export function createMixingServer(jwt: JwtProvider): MixingServer {
  const requests: string[] = [];
  const mcp = new NextMCP({ name: 'Mixing Example', version: '1.0.0' });
  // Your own middleware, first: it wraps everything after it, refusals included.
  mcp.use(async (ctx, next) => {
    try {
      const result = await next();
      requests.push(`${ctx.method} ${ctx.target?.name ?? ''} by ${ctx.auth?.userId ?? 'anonymous'}: ok`);
      return result;
    } catch (error) {
      requests.push(`${ctx.method} ${ctx.target?.name ?? ''} by ${ctx.auth?.userId ?? 'anonymous'}: ${(error as Error).message}`);
      throw error;
    }
  });
  mcp.use(createAuthMiddleware({ provider: jwt, requirement: AuthRequirement.REQUIRED, requiredScopes: ['notes:read'] }));
  mcp.register(NotesTools);
  mcp.tool('export_notes', { description: 'Export: notes:export, by the functional wrapper' }, requiresScope('notes:export')(async () => 'exported'));
  return { mcp, requests };
}
