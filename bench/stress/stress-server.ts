/**
 * Child process of `npm run stress`: a NextMCP server with a JwtProvider and a RedisSessionStore,
 * served over HTTP twice (stateless, and stateful with MCP sessions), and beside it a server whose
 * callers are GitHub users with sessions in the same store (against a local fake GitHub), whose
 * calls depend on Redis. Talks to its parent over IPC: `ready` with the URLs and the GitHub
 * callers' tokens, then answers `memory` (after a full GC) until `stop`.
 * Env: STRESS_ISSUER, STRESS_JWKS_URI, STRESS_REDIS_URL, STRESS_IDLE_MS.
 */
import 'reflect-metadata';
import { GitHubOAuthProvider, JwtProvider, NextMCP, createAuthMiddleware, type ToolContext } from '../../src';
import { RedisSessionStore } from '../../src/session';
import { startFakeGitHub } from '../../test/support/fake-github';
import type { ServerMessage, ParentMessage } from './server-protocol';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function whoamiServer(): NextMCP {
  const mcp = new NextMCP({ name: 'stress', version: '1' });
  mcp.tool('whoami', {}, async (_args: unknown, ctx: ToolContext) => ({ user: ctx.auth?.userId ?? null }));
  return mcp;
}

async function main(): Promise<void> {
  const store = new RedisSessionStore({ url: env('STRESS_REDIS_URL'), keyPrefix: 'nextmcp-stress:' });
  const mcp = whoamiServer();
  mcp.use(createAuthMiddleware({ provider: new JwtProvider({ jwksUri: env('STRESS_JWKS_URI'), issuer: env('STRESS_ISSUER') }), sessionStore: store }));
  const stateless = await mcp.listen({ transport: 'http', port: 0, stateless: true, enableJsonResponse: true });
  const stateful = await mcp.listen({ transport: 'http', port: 0, enableJsonResponse: true, sessionIdleTimeoutMs: Number(env('STRESS_IDLE_MS')) });
  const users = Array.from({ length: 8 }, (_, i) => ({ id: 7000 + i, login: `stress-${i}` }));
  const gh = await startFakeGitHub({ users });
  const oauthMcp = whoamiServer().use(
    createAuthMiddleware({ provider: new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints }), sessionStore: store }),
  );
  const oauth = await oauthMcp.listen({ transport: 'http', port: 0, stateless: true, enableJsonResponse: true });
  const oauthCallers = users.map((u) => ({ user: String(u.id), token: gh.issueToken(u.login) }));
  const send = (message: ServerMessage) => process.send!(message);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      global.gc?.();
      global.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: 'memory', rss, heapUsed });
    } else if (message.type === 'stop') {
      void Promise.allSettled([mcp.close(), oauthMcp.close(), gh.stop()]).finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', stateless: stateless.url!.href, stateful: stateful.url!.href, oauth: oauth.url!.href, oauthCallers });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
