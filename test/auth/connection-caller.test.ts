import 'reflect-metadata';
import { AuthContext, NextMCP, Tool, createAuthMiddleware, type AuthProvider, type AuthResult, type Credentials, type ToolContext } from '../../src';
import { SessionData } from '../../src/session';
import { connectTestClient } from '../../src/testing';

/*
 * A stdio or in-memory connection keeps what its last bearer token was found to be, when the
 * provider checked it by itself (no session) and it has an expiry: the next call with the same
 * token is not checked again until then. Anything else is checked again on every call.
 */

/** Accepts `ok-<user>-<seconds left>` tokens, counting every check. */
class ExpiringTokens implements AuthProvider {
  readonly name = 'expiring';
  checks = 0;

  async authenticate(credentials: Credentials): Promise<AuthResult> {
    this.checks += 1;
    const match = /^ok-(\w+)-(-?\d+)$/.exec(String(credentials.access_token));
    if (!match) return { success: false, reason: 'invalid_token' };
    const expiresAt = Math.floor(Date.now() / 1000) + Number(match[2]);
    if (Number(match[2]) <= 0) return { success: false, reason: 'token_expired' };
    return { success: true, context: new AuthContext({ userId: match[1], provider: this.name, expiresAt }) };
  }
}

class Tools {
  @Tool()
  whoami(_args: unknown, { auth }: ToolContext) {
    return { user: auth?.userId ?? null };
  }
}

function serve(provider: AuthProvider) {
  return new NextMCP({ name: 'remembers', version: '1' }).register(Tools).use(createAuthMiddleware({ provider }));
}

describe('what a connection remembers of its caller', () => {
  it('checks a token once per connection until it expires; another token, or another connection, is checked', async () => {
    const provider = new ExpiringTokens();
    const mcp = serve(provider);
    const first = await connectTestClient(mcp, { credentials: { access_token: 'ok-ann-3600' } });
    const second = await connectTestClient(mcp, { credentials: { access_token: 'ok-ann-3600' } });
    try {
      const whoami = async (client: typeof first) => (await client.client.callTool({ name: 'whoami', arguments: {} })).structuredContent;
      for (let i = 0; i < 3; i++) expect(await whoami(first)).toEqual({ user: 'ann' });
      expect(provider.checks).toBe(1);
      expect(await whoami(second)).toEqual({ user: 'ann' });
      expect(provider.checks).toBe(2);
      first.setCredentials({ access_token: 'ok-bob-3600' });
      expect(await whoami(first)).toEqual({ user: 'bob' });
      first.setCredentials({ access_token: 'ok-ann-3600', provider: 'expiring' });
      expect(await whoami(first)).toEqual({ user: 'ann' });
      expect(provider.checks).toBe(4);
      first.setCredentials({ access_token: 'garbage' });
      await expect(whoami(first)).rejects.toMatchObject({ code: -31001, data: { error: 'invalid_token' } });
    } finally {
      await first.close();
      await second.close();
      await mcp.close();
    }
  });

  it('checks the token again once it has expired', async () => {
    const provider = new ExpiringTokens();
    const mcp = serve(provider);
    const connection = await connectTestClient(mcp, { credentials: { access_token: 'ok-ann-1' } });
    try {
      await connection.client.callTool({ name: 'whoami', arguments: {} });
      await new Promise((done) => setTimeout(done, 1_100));
      await connection.client.callTool({ name: 'whoami', arguments: {} });
      expect(provider.checks).toBe(2);
    } finally {
      await connection.close();
      await mcp.close();
    }
  });

  it('keeps nothing for a caller without an expiry', async () => {
    let checks = 0;
    const forever: AuthProvider = {
      name: 'forever',
      authenticate: async () => {
        checks += 1;
        return { success: true, context: new AuthContext({ userId: 'ann', provider: 'forever' }) };
      },
    };
    const mcp = serve(forever);
    const connection = await connectTestClient(mcp, { credentials: { access_token: 't' } });
    try {
      for (let i = 0; i < 3; i++) await connection.client.callTool({ name: 'whoami', arguments: {} });
      expect(checks).toBe(3);
    } finally {
      await connection.close();
      await mcp.close();
    }
  });

  it('keeps nothing for a caller that comes with a session (a grant or session can end at any call)', async () => {
    let checks = 0;
    let revoked = false;
    const withSession: AuthProvider = {
      name: 'granting',
      authenticate: async () => {
        checks += 1;
        if (revoked) return { success: false, reason: 'invalid_token', error: 'grant revoked' };
        const expiresAt = Math.floor(Date.now() / 1000) + 3600;
        return {
          success: true,
          context: new AuthContext({ userId: 'ann', provider: 'granting', expiresAt }),
          session: new SessionData({ userId: 'ann', provider: 'granting', accessToken: 'upstream-token', expiresAt }),
        };
      },
    };
    const mcp = serve(withSession);
    const connection = await connectTestClient(mcp, { credentials: { access_token: 'issued' } });
    try {
      for (let i = 0; i < 2; i++) expect((await connection.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ user: 'ann' });
      revoked = true;
      await expect(connection.client.callTool({ name: 'whoami', arguments: {} })).rejects.toMatchObject({ code: -31001 });
      expect(checks).toBe(3);
    } finally {
      await connection.close();
      await mcp.close();
    }
  });
});
