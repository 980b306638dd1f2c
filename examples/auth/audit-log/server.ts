import 'reflect-metadata';
import { NextMCP, RequiresScope, Tool, type AuthEventName, type ToolContext } from '../../../src';
import { ApiKeyProvider, createAuthMiddleware, type ApiKeyEntry, type GitHubOAuthProvider } from '../../../src/auth';
import type { SessionStore } from '../../../src/session';

const AUDITED: AuthEventName[] = ['auth:allowed', 'auth:denied', 'session:created', 'session:refreshed', 'session:refresh_failed', 'session:deleted'];

/**
 * Writes every auth event as one JSON line: `{"time":…,"event":"auth:denied","method":…,…}`.
 * Payloads hold names and ids only (never a token). Listeners are not awaited: a slow or failing
 * `write` never holds up or changes a call.
 */
export function writeAuditLog(mcp: NextMCP, write: (line: string) => void): () => void {
  const stops = AUDITED.map((event) => mcp.on(event, (payload) => write(JSON.stringify({ time: new Date().toISOString(), event, ...payload }))));
  return () => stops.forEach((stop) => stop());
}

class ReportTools {
  @Tool({ description: 'Read the quarterly report' })
  read_report(_input: unknown, { auth }: ToolContext) {
    return { reader: auth!.userId };
  }

  @Tool({ description: 'Publish the report (needs reports:publish)' })
  @RequiresScope('reports:publish')
  publish_report() {
    return 'published';
  }
}

/** A server with people (GitHub, with sessions) and services (API keys), both audited. */
export function createAuditedServer(github: GitHubOAuthProvider, keys: Record<string, ApiKeyEntry>, sessions: SessionStore): NextMCP {
  const mcp = new NextMCP({ name: 'Audited Reports', version: '1.0.0' });
  mcp.register(ReportTools);
  mcp.use(createAuthMiddleware({ providers: [github, new ApiKeyProvider({ keys })], sessionStore: sessions }));
  return mcp;
}
