import 'reflect-metadata';
import express from 'express';
import { NextMCP, RequiresScope, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware, type GitHubOAuthProvider } from '../../../src/auth';

class NotesTools {
  @Tool({ description: 'Who is calling' })
  whoami(_input: unknown, { auth }: ToolContext) {
    return { user: auth!.username };
  }

  @Tool({ description: 'Needs the repo scope' })
  @RequiresScope('repo')
  sync_repos() {
    return 'synced';
  }
}

/**
 * An existing express app, with its own routes and its own body parser, and the MCP server mounted
 * in it with `mcp.httpHandler()`: the MCP endpoint, its RFC 9728 metadata and the GitHub login routes.
 * `publicUrl` is where the app is reached (`https://…` in production, behind your TLS proxy).
 */
export function createApp(github: GitHubOAuthProvider, publicUrl: string): { app: express.Express; mcp: NextMCP } {
  const mcp = new NextMCP({ name: 'Notes (mounted)', version: '1.0.0' });
  mcp.register(NotesTools);
  mcp.use(createAuthMiddleware({ provider: github }));
  mcp.enableOAuthLogin({ providers: [github] });

  const app = express();
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  // The app's own JSON API. Its body parser is scoped to /api: the MCP handler reads (and limits)
  // its request bodies itself, and a body already consumed by a global express.json() is gone.
  app.post('/api/echo', express.json(), (req, res) => {
    res.json({ echoed: req.body });
  });
  // Last: the handler answers /mcp, /.well-known/oauth-protected-resource/mcp and /oauth/*, and 404 otherwise.
  app.use(mcp.httpHandler({ resourceUrl: `${publicUrl}/mcp`, path: '/mcp' }));
  return { app, mcp };
}
