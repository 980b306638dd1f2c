import 'reflect-metadata';
import {
  AuthContext,
  FrozenSet,
  GitHubOAuthProvider,
  JwtProvider,
  NextMCP,
  RequiresRole,
  SESSION_IDENTITY_KEY,
  Tool,
  createAuthMiddleware,
  type ToolContext,
} from '../../src';
import { MemorySessionStore, SessionData } from '../../src/session';
import { connectTestClient } from '../../src/testing';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';

/*
 * A caller's AuthContext may be shared by its requests, and a session is kept in the store. These
 * tests pin what that must never change: a handler cannot alter its caller for later requests,
 * a change to the session is seen by the very next call, and ctx.session stays the handler's copy.
 */

const SECRET = 'shared-caller-test-secret-0123456789abcdef';

class Tools {
  @Tool()
  whoami(_args: unknown, ctx: ToolContext) {
    return { user: ctx.auth?.userId ?? null, roles: [...(ctx.auth?.roles ?? [])], scopes: [...(ctx.auth?.scopes ?? [])] };
  }

  @Tool()
  tamper(_args: unknown, ctx: ToolContext) {
    const auth = ctx.auth as AuthContext;
    const attempts: Record<string, () => unknown> = {
      addScope: () => (auth.scopes as unknown as Set<string>).add('admin'),
      addScopeViaPrototype: () => Set.prototype.add.call(auth.scopes, 'admin'),
      addRole: () => (auth.roles as unknown as Set<string>).add('admin'),
      setUserId: () => ((auth as { userId: string }).userId = 'someone-else'),
      editNestedClaim: () => (auth.claims.groups as string[]).push('admins'),
      editMetadata: () => ((auth.metadata as Record<string, unknown>).admin = true),
    };
    const refused = Object.entries(attempts)
      .filter(([, attempt]) => {
        try {
          attempt();
          return false;
        } catch (error) {
          return error instanceof TypeError;
        }
      })
      .map(([name]) => name);
    return { refused };
  }

  @Tool()
  @RequiresRole('admin')
  adminOnly() {
    return 'admin';
  }

  @Tool()
  editSession(_args: unknown, ctx: ToolContext) {
    const session = ctx.session as SessionData;
    session.metadata.edited = true;
    session.scopes.push('admin');
    session.accessToken = 'replaced';
    return { token: session.accessToken };
  }

  @Tool()
  sessionSeen(_args: unknown, ctx: ToolContext) {
    return { metadata: ctx.session?.metadata ?? null, scopes: ctx.session?.scopes ?? null };
  }
}

async function call(mcp: NextMCP, token: string, name: string): Promise<{ isError?: boolean; structuredContent?: Record<string, unknown>; text?: string }> {
  const { client, close } = await connectTestClient(mcp, { credentials: { access_token: token } });
  try {
    const result = (await client.callTool({ name, arguments: {} })) as { isError?: boolean; structuredContent?: Record<string, unknown>; content: { text: string }[] };
    return { isError: result.isError, structuredContent: result.structuredContent, text: result.content[0]?.text };
  } finally {
    await close();
  }
}

async function refusedCode(mcp: NextMCP, token: string, name: string): Promise<number | undefined> {
  return call(mcp, token, name).then(
    () => undefined,
    (error: { code?: number }) => error.code,
  );
}

describe('one AuthContext shared by the requests of a caller', () => {
  it('cannot be changed by a handler: every attempt throws and later requests are unaffected', async () => {
    const jwt = new JwtProvider({ secret: SECRET, issuer: 'test' });
    const mcp = new NextMCP({ name: 'shared', version: '1' }).register(Tools).use(createAuthMiddleware({ provider: jwt }));
    const token = await jwt.createToken({ scope: 'read', roles: ['user'], groups: ['staff'] }, { subject: 'alice', expiresIn: '1h' });

    // Twice: the first call builds the caller, the second is served from the session.
    for (let i = 0; i < 2; i++) {
      const { structuredContent } = await call(mcp, token, 'tamper');
      expect(structuredContent?.refused).toEqual(['addScope', 'addScopeViaPrototype', 'addRole', 'setUserId', 'editNestedClaim', 'editMetadata']);
    }
    expect((await call(mcp, token, 'whoami')).structuredContent).toEqual({ user: 'alice', roles: ['user'], scopes: ['read'] });
    expect(await refusedCode(mcp, token, 'adminOnly')).toBe(-31003);
    await mcp.close();
  });

  it('keeps the caller’s own objects editable: only its copies are frozen', () => {
    const claims = { groups: ['staff'] };
    const scopes = ['read'];
    const auth = new AuthContext({ userId: 'u', provider: 'p', scopes, claims });
    claims.groups.push('admins');
    scopes.push('write');
    expect(auth.claims.groups).toEqual(['staff']);
    expect([...auth.scopes]).toEqual(['read']);
    expect(auth.scopes).toBeInstanceOf(FrozenSet);
    expect(Object.isFrozen(auth)).toBe(true);
  });
});

describe('a session kept by MemorySessionStore', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub({ users: [{ id: 7, login: 'octo' }] });
  });
  afterAll(() => gh.stop());

  function serve(store: MemorySessionStore): NextMCP {
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0 });
    return new NextMCP({ name: 'kept', version: '1' }).register(Tools).use(createAuthMiddleware({ provider: github, sessionStore: store }));
  }

  it('sees a change to the session on the very next call, and a deleted session is asked about again', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    const token = gh.issueToken('octo', ['read:user']);
    expect((await call(mcp, token, 'whoami')).structuredContent).toMatchObject({ user: '7', roles: [] });
    expect(await refusedCode(mcp, token, 'adminOnly')).toBe(-31003);

    const stored = (await store.load('7', 'github')) as SessionData;
    const identity = stored.metadata[SESSION_IDENTITY_KEY] as Record<string, unknown>;
    await store.save(new SessionData({ ...stored.toJSON(), metadata: { ...stored.metadata, [SESSION_IDENTITY_KEY]: { ...identity, roles: ['admin'] } } }));
    expect((await call(mcp, token, 'adminOnly')).text).toBe('admin');

    const asked = gh.requestCount('/user');
    await store.delete('7', 'github');
    expect((await call(mcp, token, 'whoami')).structuredContent).toMatchObject({ user: '7', roles: [] });
    expect(gh.requestCount('/user')).toBe(asked + 1);
    await mcp.close();
  });

  it('gives each handler its own editable copy of the session, leaving the store and later calls untouched', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    const token = gh.issueToken('octo', ['read:user']);
    await call(mcp, token, 'whoami');

    expect((await call(mcp, token, 'editSession')).structuredContent).toEqual({ token: 'replaced' });
    const seen = (await call(mcp, token, 'sessionSeen')).structuredContent;
    expect(seen?.scopes).toEqual(['read:user']);
    expect(seen?.metadata).not.toHaveProperty('edited');
    const stored = (await store.findByAccessToken(token)) as SessionData;
    expect(stored.scopes).toEqual(['read:user']);
    expect(stored.metadata).not.toHaveProperty('edited');
    await mcp.close();
  });

  it('serves one connection whose calls switch between two callers’ tokens each as its own caller', async () => {
    const store = new MemorySessionStore();
    const mcp = serve(store);
    const octo = gh.issueToken('octo', ['read:user']);
    await call(mcp, octo, 'whoami'); // the session exists from here on: later calls are found by hash
    await store.save(new SessionData({ userId: '8', provider: 'github', accessToken: 'tok-other', scopes: ['read:user'] }));
    const { client, close } = await connectTestClient(mcp);
    try {
      const users: unknown[] = [];
      for (const token of [octo, octo, 'tok-other', 'tok-other', octo]) {
        const result = await client.callTool({ name: 'whoami', arguments: {}, _meta: { auth: { access_token: token } } });
        users.push((result.structuredContent as { user: string }).user);
      }
      expect(users).toEqual(['7', '7', '8', '8', '7']);
    } finally {
      await close();
      await mcp.close();
    }
  });
});
