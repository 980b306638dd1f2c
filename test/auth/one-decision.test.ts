import 'reflect-metadata';
import {
  AuthenticationError,
  JwtProvider,
  NextMCP,
  PermissionManifest,
  RequiresAuth,
  RequiresPermission,
  RequiresRole,
  RequiresScope,
  Tool,
  createAuthMiddleware,
  requiresAuth,
  requiresPermission,
  requiresRole,
  requiresScope,
} from '../../src';
import { connectTestClient } from '../../src/testing';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';

/*
 * The same policy written three ways (decorators, functional wrappers, manifest + middleware)
 * must be decided identically, because all three compile to AccessPolicy and reach authorize().
 */

let idp: TestIssuer;
let jwt: JwtProvider;
beforeAll(async () => {
  idp = await startOidcIssuer();
  jwt = new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url });
});
afterAll(() => idp.stop());

class Decorated {
  @Tool() @RequiresAuth() authed() {
    return 'ok';
  }
  @Tool() @RequiresScope('a', 'b') scoped() {
    return 'ok';
  }
  @Tool() @RequiresRole('admin', 'owner') roled() {
    return 'ok';
  }
  @Tool() @RequiresPermission('files:read') permitted() {
    return 'ok';
  }
}

function decorated() {
  const mcp = new NextMCP({ name: 'decorated', version: '1' }).register(Decorated);
  mcp.use(createAuthMiddleware({ provider: jwt, requirement: 'optional' }));
  return mcp;
}

function functional() {
  const ok = async () => 'ok';
  const mcp = new NextMCP({ name: 'functional', version: '1' })
    .tool('authed', {}, requiresAuth()(ok))
    .tool('scoped', {}, requiresScope('a', 'b')(ok))
    .tool('roled', {}, requiresRole('admin', 'owner')(ok))
    .tool('permitted', {}, requiresPermission('files:read')(ok));
  mcp.use(createAuthMiddleware({ provider: jwt, requirement: 'optional' }));
  return mcp;
}

function declared() {
  const ok = async () => 'ok';
  const manifest = new PermissionManifest()
    .defineToolPermission('scoped', { scopes: ['a', 'b'] })
    .defineToolPermission('roled', { roles: ['admin', 'owner'] })
    .defineToolPermission('permitted', { permissions: ['files:read'] });
  const mcp = new NextMCP({ name: 'declared', version: '1' })
    .tool('authed', {}, ok)
    .tool('scoped', {}, ok)
    .tool('roled', {}, ok)
    .tool('permitted', {}, ok);
  // REQUIRED middleware expresses "authentication required" for every tool.
  mcp.use(createAuthMiddleware({ provider: jwt, manifest }));
  return mcp;
}

type Outcome = string;

async function outcome(mcp: NextMCP, tool: string, token?: string): Promise<Outcome> {
  const { client, close } = await connectTestClient(mcp, { credentials: token ? { access_token: token } : undefined });
  try {
    const result = await client.callTool({ name: tool, arguments: {} });
    return `allowed:${JSON.stringify(result.content)}`;
  } catch (error) {
    const e = error as { code: number; data: { error: string; missing_scopes?: string[] } };
    return `refused:${e.code}:${e.data.error}:${(e.data.missing_scopes ?? []).join(',')}`;
  } finally {
    await close();
  }
}

const callers: Record<string, () => Promise<string | undefined>> = {
  anonymous: async () => undefined,
  garbage: async () => 'garbage',
  plain: () => idp.mintToken({}),
  'scope a': () => idp.mintToken({ scope: 'a' }),
  'scopes a b': () => idp.mintToken({ scope: 'a b c' }),
  owner: () => idp.mintToken({ claims: { roles: ['owner'] } }),
  viewer: () => idp.mintToken({ claims: { roles: ['viewer'] } }),
  'files:*': () => idp.mintToken({ claims: { permissions: ['files:*'] } }),
  'files:write': () => idp.mintToken({ claims: { permissions: ['files:write'] } }),
};

describe('one decision, three spellings', () => {
  let servers: Record<'decorated' | 'functional' | 'declared', NextMCP>;
  beforeAll(() => {
    servers = { decorated: decorated(), functional: functional(), declared: declared() };
  });

  it.each(['authed', 'scoped', 'roled', 'permitted'])('%s is decided the same way for every caller', async (tool) => {
    for (const [callerName, token] of Object.entries(callers)) {
      const t = await token();
      const outcomes = {
        decorated: await outcome(servers.decorated, tool, t),
        functional: await outcome(servers.functional, tool, t),
        declared: await outcome(servers.declared, tool, t),
      };
      expect({ caller: callerName, ...outcomes }).toEqual({
        caller: callerName,
        decorated: outcomes.decorated,
        functional: outcomes.decorated,
        declared: outcomes.decorated,
      });
    }
  });

  it('the decisions are the expected ones', async () => {
    const d = servers.decorated;
    expect(await outcome(d, 'authed')).toBe('refused:-31001:authentication_required:');
    expect(await outcome(d, 'authed', await idp.mintToken({}))).toMatch(/^allowed/);
    expect(await outcome(d, 'scoped', await idp.mintToken({ scope: 'a' }))).toBe('refused:-31003:insufficient_scope:b');
    expect(await outcome(d, 'roled', await idp.mintToken({ claims: { roles: ['viewer'] } }))).toBe('refused:-31003:forbidden:');
    expect(await outcome(d, 'permitted', await idp.mintToken({ claims: { permissions: ['files:*'] } }))).toMatch(/^allowed/);
  });
});

describe('functional wrappers fail closed outside the pipeline', () => {
  it('refuse to run when NextMCP did not enforce their policy', () => {
    const handler = requiresScope('admin')(async () => 'secret');
    expect(() => (handler as (...args: unknown[]) => unknown)({}, { auth: undefined })).toThrow(AuthenticationError);
    expect(() => (handler as () => unknown)()).toThrow(/requires NextMCP auth enforcement/);
  });
});
