import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { JwtProvider, NextMCP, createAuthMiddleware, type Listener, type ToolContext } from '../../src';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';

/*
 * Stateless HTTP serves every POST with its own SDK server and transport: nothing about one
 * caller (identity, request ids, answers) can reach another. These tests send many callers at once,
 * all with the same JSON-RPC id, and check each one gets only its own answer.
 */

interface Caller {
  name: string;
  token?: string;
  scopes?: string[];
}

const SAME_ID = 1;

async function callWhoami(url: URL, caller: Caller, nonce: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(caller.token && { authorization: `Bearer ${caller.token}` }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: SAME_ID, method: 'tools/call', params: { name: 'whoami', arguments: { nonce } } }),
  });
  const text = await response.text();
  const data = text.split('\n').filter((line) => line.startsWith('data:'));
  const message = JSON.parse(data.length > 0 ? data[data.length - 1].slice(5) : text);
  return { status: response.status, message };
}

describe('stateless HTTP: concurrent callers are isolated', () => {
  let issuer: TestIssuer;
  let mcp: NextMCP;
  let listener: Listener;
  let callers: Caller[];

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    mcp = new NextMCP({ name: 'stateless', version: '1' });
    mcp.tool('whoami', {}, async (args: unknown, ctx: ToolContext) => {
      // Hold the request a random while so answers of different callers interleave.
      await delay(Math.floor(Math.random() * 15));
      return { user: ctx.auth?.userId ?? null, scopes: ctx.auth ? [...ctx.auth.scopes].sort() : [], nonce: (args as { nonce: string }).nonce };
    });
    mcp.use(createAuthMiddleware({ provider: new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url }), requiredScopes: ['notes:read'] }));
    listener = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, stateless: true });
    const aud = listener.url!.href;
    callers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const scopes = i % 2 === 0 ? ['notes:read'] : ['notes:read', 'notes:write'];
        return { name: `user-${i}`, scopes, token: await issuer.mintToken({ sub: `user-${i}`, aud, scope: scopes }) };
      }),
    );
  });

  afterAll(async () => {
    await mcp.close();
    await issuer.stop();
  });

  it('answers each of many simultaneous callers (same JSON-RPC id) with its own identity and arguments', async () => {
    const calls = callers.flatMap((caller) => Array.from({ length: 5 }, (_, k) => ({ caller, nonce: `${caller.name}#${k}` })));
    const answers = await Promise.all(calls.map(({ caller, nonce }) => callWhoami(listener.url!, caller, nonce)));
    answers.forEach(({ status, message }, i) => {
      const { caller, nonce } = calls[i];
      expect(status).toBe(200);
      expect(message.id).toBe(SAME_ID);
      expect(message.result.structuredContent).toEqual({ user: caller.name, scopes: caller.scopes, nonce });
    });
  });

  it('refuses callers without a token while others are being served, and never answers them with another caller’s result', async () => {
    const anonymous: Caller = { name: 'anonymous' };
    const forged: Caller = { name: 'forged', token: `${callers[0].token!.slice(0, -4)}AAAA` };
    const mixed = [...callers.slice(0, 6), anonymous, forged, ...callers.slice(6), anonymous, forged];
    const answers = await Promise.all(mixed.map((caller, i) => callWhoami(listener.url!, caller, `n${i}`)));
    answers.forEach(({ status, message }, i) => {
      const caller = mixed[i];
      if (caller.name === 'anonymous' || caller.name === 'forged') {
        expect(status).toBe(401);
        expect(message.result).toBeUndefined();
        expect(message.error.code).toBe(-31001);
      } else {
        expect(status).toBe(200);
        expect(message.result.structuredContent).toMatchObject({ user: caller.name, nonce: `n${i}` });
      }
    });
  });
});
