import 'reflect-metadata';
import { inspect } from 'node:util';
import { container } from 'tsyringe';
import { NextMCP, Tool, createAuthMiddleware, type ToolContext } from '../../src';
import { RequestContext } from '../../src/pipeline/request-context';
import { MemorySessionStore, SessionData } from '../../src/session';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { GitHubOAuthProvider } from '../../src';

/*
 * console.log of anything a server holds (the store, a request's context) must not print a token: util.inspect all the way down shows none.
 */

const ACCESS = 'gho_inspect_access_token_0123456789';
const REFRESH = 'ghr_inspect_refresh_token_0123456789';

function shown(value: unknown): string {
  return inspect(value, { depth: Infinity, showHidden: true });
}

describe('util.inspect and JSON.stringify show no token', () => {
  it('of a memory store holding sessions, bounded or not, after they were found by token', async () => {
    for (const store of [new MemorySessionStore(), new MemorySessionStore({ maxSessions: 10 })]) {
      await store.save(new SessionData({ userId: 'a', provider: 'github', accessToken: ACCESS, refreshToken: REFRESH }));
      await store.save(new SessionData({ userId: 'b', provider: 'github', accessToken: `${ACCESS}-b`, refreshToken: `${REFRESH}-b`, metadata: { at: new Date(0) } }));
      expect((await store.findByAccessToken(ACCESS))?.userId).toBe('a');
      const text = shown(store);
      // Who has a session is shown, their tokens are not.
      expect(text).toMatch(/userId: 'a'[\s\S]*userId: 'b'/);
      expect(text).not.toContain(ACCESS);
      expect(text).not.toContain(REFRESH);
    }
  });

  it('of a request context carrying credentials and an Authorization header', () => {
    const ctx = new RequestContext({
      method: 'tools/call',
      params: {},
      credentials: { access_token: ACCESS, api_key: REFRESH, provider: 'github' },
      headers: { authorization: `Bearer ${ACCESS}`, 'x-api-key': REFRESH },
      transport: 'http',
      parentContainer: container,
      signal: new AbortController().signal,
      requestId: 1,
      notify: async () => undefined,
    });
    for (const text of [shown(ctx), JSON.stringify(ctx)]) {
      expect(text).toContain('github');
      expect(text).toContain('authorization');
      expect(text).not.toContain(ACCESS);
      expect(text).not.toContain(REFRESH);
    }
  });

  describe('of a handler’s context, end to end', () => {
    let gh: FakeGitHub;
    beforeAll(async () => {
      gh = await startFakeGitHub({ users: [{ id: 7, login: 'octo' }] });
    });
    afterAll(() => gh.stop());

    class Tools {
      @Tool()
      dump(_args: unknown, ctx: ToolContext) {
        void ctx.session; // the handler's own copy, made on this read
        return `${shown(ctx)}\n${JSON.stringify(ctx)}`;
      }
    }

    it('on a connection that has found its caller in a session', async () => {
      const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0 });
      const mcp = new NextMCP({ name: 'inspect', version: '1' }).register(Tools).use(createAuthMiddleware({ provider: github }));
      const token = gh.issueToken('octo', ['read:user']);
      const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
      try {
        for (let i = 0; i < 3; i++) {
          const text = ((await client.callTool({ name: 'dump', arguments: {} })).content as { text: string }[])[0].text;
          expect(text).toContain('octo');
          expect(text).not.toContain(token);
        }
      } finally {
        await close();
        await mcp.close();
      }
    });
  });
});
