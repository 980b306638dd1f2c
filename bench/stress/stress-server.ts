/**
 * Child process of `npm run stress`: a NextMCP server with a JwtProvider and a RedisSessionStore,
 * served over HTTP twice (stateless, and stateful with MCP sessions). Talks to its parent over IPC:
 * `ready` with both URLs, then answers `memory` (after a full GC) until `stop`.
 * Env: STRESS_ISSUER, STRESS_JWKS_URI, STRESS_REDIS_URL, STRESS_IDLE_MS.
 */
import 'reflect-metadata';
import { JwtProvider, NextMCP, createAuthMiddleware, type ToolContext } from '../../src';
import { RedisSessionStore } from '../../src/session';
import type { ServerMessage, ParentMessage } from './server-protocol';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const store = new RedisSessionStore({ url: env('STRESS_REDIS_URL'), keyPrefix: 'nextmcp-stress:' });
  const mcp = new NextMCP({ name: 'stress', version: '1' });
  mcp.tool('whoami', {}, async (_args: unknown, ctx: ToolContext) => ({ user: ctx.auth?.userId ?? null }));
  mcp.use(createAuthMiddleware({ provider: new JwtProvider({ jwksUri: env('STRESS_JWKS_URI'), issuer: env('STRESS_ISSUER') }), sessionStore: store }));
  const stateless = await mcp.listen({ transport: 'http', port: 0, stateless: true, enableJsonResponse: true });
  const stateful = await mcp.listen({ transport: 'http', port: 0, enableJsonResponse: true, sessionIdleTimeoutMs: Number(env('STRESS_IDLE_MS')) });
  const send = (message: ServerMessage) => process.send!(message);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      global.gc?.();
      global.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: 'memory', rss, heapUsed });
    } else if (message.type === 'stop') {
      void mcp.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', stateless: stateless.url!.href, stateful: stateful.url!.href });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
