import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import type { Caller } from './callers';
import { closedLoop, type LoopResult } from './closed-loop';
import { postJson } from './http-post';

/** Random strings, and real JWTs of this issuer with their signature changed. */
export type GarbageKind = 'random' | 'bad-signature';

/** Sends tokens that cannot verify at `inFlight` for `durationMs`; anything but 401 is an error. */
export function sendGarbageTokens(agent: Agent, url: URL, kind: GarbageKind, genuine: Caller, durationMs: number): Promise<LoopResult> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
  return closedLoop({ inFlight: 64, durationMs }, async () => {
    const token = kind === 'random' ? randomBytes(24).toString('base64url') : withAlteredSignature(genuine.token);
    const answer = await postJson(agent, url, body, { authorization: `Bearer ${token}` });
    return { outcome: answer.status === 401 ? undefined : `HTTP ${answer.status}`, ms: answer.ms };
  });
}

function withAlteredSignature(token: string): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${randomBytes(256).toString('base64url')}`;
}
