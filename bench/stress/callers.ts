import type { Agent } from 'node:http';
import type { LocalIssuer } from '../fixtures/local-jwks';
import type { Outcome } from './closed-loop';
import { postJson } from './http-post';

/** A user and a token for one endpoint (its URL is the token's audience). */
export interface Caller {
  user: string;
  token: string;
}

export async function mintCallers(issuer: LocalIssuer, audience: URL, count: number, prefix = 'user'): Promise<Caller[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = `${prefix}-${i}`;
      return { user, token: await issuer.mint({ audience: audience.href, subject: user }) };
    }),
  );
}

/**
 * Calls the `whoami` tool as `caller`: right when the answer is 200 and names the token's own
 * user (a crossed identity is an error like any other).
 */
export async function callWhoami(agent: Agent, url: URL, caller: Caller, sequence: number): Promise<{ outcome: Outcome; ms: number; status: number }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: sequence, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
  const answer = await postJson(agent, url, body, { authorization: `Bearer ${caller.token}` });
  return { outcome: whoamiOutcome(answer.status, answer.body, caller.user, sequence), ms: answer.ms, status: answer.status };
}

function whoamiOutcome(status: number, body: string, user: string, sequence: number): Outcome {
  if (status !== 200) return `HTTP ${status}`;
  try {
    const message = JSON.parse(body) as { id?: unknown; result?: { structuredContent?: { user?: unknown } } };
    if (message.id !== sequence) return 'answer to another request';
    const seen = message.result?.structuredContent?.user;
    return seen === user ? undefined : `crossed identity: expected ${user}, got ${String(seen)}`;
  } catch {
    return 'unparsable answer';
  }
}
