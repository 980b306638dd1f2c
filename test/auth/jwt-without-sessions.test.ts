import 'reflect-metadata';
import { JwtProvider, MemorySessionStore, NextMCP, RedisSessionStore, Tool, createAuthMiddleware, type SessionStore, type ToolContext } from '../../src';
import { connectTestClient } from '../../src/testing';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';
import { bearer, initializeRequest, postRpc } from './http-fixtures';
import { freePort } from '../support/ports';

/*
 * A JWT is checked by its provider, never through the session store: a forged or garbage token is
 * refused without a store lookup, and valid JWTs keep working while the store is down.
 */

let idp: TestIssuer;
beforeAll(async () => {
  idp = await startOidcIssuer();
});
afterAll(() => idp.stop());

class Tools {
  @Tool()
  whoami(_args: unknown, { auth, session }: ToolContext) {
    return { user: auth?.userId ?? null, hasSession: session !== undefined };
  }
}

function serve(sessionStore: SessionStore) {
  const jwt = new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url });
  return new NextMCP({ name: 'jwt-only', version: '1' }).register(Tools).use(createAuthMiddleware({ provider: jwt, sessionStore }));
}

async function whoami(mcp: NextMCP, token: string) {
  const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
  try {
    return await client.callTool({ name: 'whoami', arguments: {} });
  } finally {
    await close();
  }
}


/** A JWT with the issuer's `iss` whose signature does not verify. */
async function forged(): Promise<string> {
  const [header, payload] = (await idp.mintToken({ sub: 'mallory' })).split('.');
  return `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
}

describe('JWT callers and the session store', () => {
  it('never look the store up or write to it, and have no ctx.session', async () => {
    const store = new MemorySessionStore();
    const lookups = jest.spyOn(store, 'findByAccessToken');
    const saves = jest.spyOn(store, 'save');
    const mcp = serve(store);
    expect((await whoami(mcp, await idp.mintToken({ sub: 'alice' }))).structuredContent).toEqual({ user: 'alice', hasSession: false });
    await expect(whoami(mcp, await forged())).rejects.toMatchObject({ code: -31001, data: { error: 'invalid_token' } });
    await expect(whoami(mcp, 'garbage')).rejects.toMatchObject({ code: -31001, data: { error: 'invalid_token' } });
    expect(lookups).not.toHaveBeenCalled();
    expect(saves).not.toHaveBeenCalled();
    await mcp.close();
  });

  it('keep working while a Redis store is down, and garbage is still invalid_token (not provider_unavailable)', async () => {
    const store = new RedisSessionStore({ url: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs: 300 });
    const mcp = serve(store);
    try {
      expect((await whoami(mcp, await idp.mintToken({ sub: 'bob' }))).structuredContent).toEqual({ user: 'bob', hasSession: false });
      await expect(whoami(mcp, 'garbage')).rejects.toMatchObject({ code: -31001, data: { error: 'invalid_token' } });

      const listener = await mcp.listen({ transport: 'http', port: 0 });
      const audience = listener.url!.href;
      expect((await postRpc(listener.url!, initializeRequest(1), bearer('garbage'))).status).toBe(401);
      expect((await postRpc(listener.url!, initializeRequest(2), bearer(await forged()))).status).toBe(401);
      expect((await postRpc(listener.url!, initializeRequest(3), bearer(await idp.mintToken({ sub: 'bob', aud: audience })))).status).toBe(200);
    } finally {
      await mcp.close();
    }
  });
});
