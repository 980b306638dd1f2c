import 'reflect-metadata';
import { AuthContext, NextMCP, RequiresScope, Tool, createAuthMiddleware, type AuthProvider, type AuthResult, type Credentials } from '../../src';
import { connectTestClient } from '../../src/testing';
import { bearer, initializeRequest, openSession, postRpc, toolCall } from './http-fixtures';

/*
 * A call is authenticated and decided once: over HTTP by the gate (so a refusal is a real 401/403),
 * whose decision the pipeline takes over; on other transports by the auth middleware, which the
 * target stage then trusts.
 */

/** Accepts `good-<user>` tokens with the scopes after a colon (`good-ann:read`), counting every check. */
class CountingProvider implements AuthProvider {
  readonly name = 'counting';
  readonly audience = 'any';
  checks = 0;

  async authenticate(credentials: Credentials): Promise<AuthResult> {
    this.checks += 1;
    const match = /^good-(\w+):?(.*)$/.exec(String(credentials.access_token));
    if (!match) return { success: false, reason: 'invalid_token' };
    return { success: true, context: new AuthContext({ userId: match[1], provider: this.name, scopes: match[2] ? match[2].split(',') : [] }) };
  }
}

class Tools {
  @Tool()
  @RequiresScope('notes:write')
  write() {
    return 'written';
  }
}

function serve(provider: CountingProvider) {
  return new NextMCP({ name: 'once', version: '1' }).register(Tools).use(createAuthMiddleware({ provider, requiredScopes: ['notes:read'] }));
}

describe('a call is decided once', () => {
  it('over HTTP: the gate checks the token once per request and the pipeline takes its decision over', async () => {
    const provider = new CountingProvider();
    const mcp = serve(provider);
    const { url } = await mcp.listen({ transport: 'http', port: 0 });
    try {
      const session = await openSession(url!, bearer('good-ann:notes:read,notes:write'));
      provider.checks = 0;
      const allowed = await postRpc(url!, toolCall(2, 'write'), session);
      expect(allowed.json.result?.content).toEqual([{ type: 'text', text: 'written' }]);
      expect(provider.checks).toBe(1);

      const reader = await openSession(url!, bearer('good-bob:notes:read'));
      provider.checks = 0;
      const refused = await postRpc(url!, toolCall(3, 'write'), reader);
      expect(refused.status).toBe(403);
      expect(refused.json.error).toMatchObject({ code: -31003, data: { error: 'insufficient_scope', missing_scopes: ['notes:write'] } });
      expect(provider.checks).toBe(1);

      provider.checks = 0;
      expect((await postRpc(url!, initializeRequest(4), bearer('bad'))).status).toBe(401);
      expect(provider.checks).toBe(1);
    } finally {
      await mcp.close();
    }
  });

  it('in memory: the middleware checks the token once and the target stage does not check again', async () => {
    const provider = new CountingProvider();
    const mcp = serve(provider);
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'good-ann:notes:read,notes:write' } });
    try {
      expect((await client.callTool({ name: 'write', arguments: {} })).content).toEqual([{ type: 'text', text: 'written' }]);
      expect(provider.checks).toBe(1);
    } finally {
      await close();
      await mcp.close();
    }
  });
});
