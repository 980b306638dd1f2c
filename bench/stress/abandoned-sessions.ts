import type { Agent } from 'node:http';
import type { LocalIssuer } from '../fixtures/local-jwks';
import { mintCallers } from './callers';
import { closedLoop } from './closed-loop';
import { postJson } from './http-post';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stress', version: '1' } },
});

export interface AbandonedSessionsResult {
  opened: number;
  refused: Record<number, number>;
  elapsedMs: number;
}

/**
 * Opens `count` MCP sessions spread evenly over `users` callers (so no per-user cap applies) and
 * never ends them: what a crowd of clients that vanish leaves behind.
 */
export async function abandonSessions(agent: Agent, url: URL, issuer: LocalIssuer, count: number, users: number): Promise<AbandonedSessionsResult> {
  const callers = await mintCallers(issuer, url, users, 'session-user');
  const refused: Record<number, number> = {};
  const loop = await closedLoop({ inFlight: 64, count }, async (sequence) => {
    const caller = callers[sequence % callers.length];
    const answer = await postJson(agent, url, INITIALIZE, { authorization: `Bearer ${caller.token}` });
    if (answer.status !== 200) refused[answer.status] = (refused[answer.status] ?? 0) + 1;
    return { outcome: answer.status === 200 ? undefined : `HTTP ${answer.status}`, ms: answer.ms };
  });
  return { opened: loop.requests - loop.errors, refused, elapsedMs: loop.elapsedMs };
}
