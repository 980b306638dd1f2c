import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  AuthContext,
  NextMCP,
  Public,
  RequiresRole,
  RequiresScope,
  Tool,
  createAuthMiddleware,
  type AuthProvider,
  type AuthResult,
  type Credentials,
} from '../../src';
import { connectTestClient } from '../../src/testing';
import { recordingLogger } from '../session/store-contract';
import { recordEvents, settle } from '../support/event-recorder';
import { bearer, initializeRequest, openSession, postRpc, toolCall } from './http-fixtures';

/*
 * DESIGN §9: `mcp.on()` reports each decided call once, as `auth:allowed` or `auth:denied`, with
 * names and ids only; listeners run after the decision and can neither change nor delay it.
 */

/** Accepts `good-<user>` tokens with the scopes after a colon (`good-ann:notes:read`). */
class TokenProvider implements AuthProvider {
  readonly name = 'tokens';
  readonly audience = 'any';

  async authenticate(credentials: Credentials): Promise<AuthResult> {
    const match = /^good-(\w+):?(.*)$/.exec(String(credentials.access_token));
    if (!match) return { success: false, reason: 'invalid_token' };
    return { success: true, context: new AuthContext({ userId: match[1], provider: this.name, scopes: match[2] ? match[2].split(',') : [] }) };
  }
}

class Tools {
  @Tool()
  read() {
    return 'read';
  }

  @Tool()
  @RequiresScope('notes:write')
  write() {
    return 'written';
  }

  @Tool()
  @RequiresRole('admin')
  purge() {
    return 'purged';
  }

  @Tool()
  @Public()
  health() {
    return 'ok';
  }
}

function serve(options: { logger?: ReturnType<typeof recordingLogger> } = {}) {
  return new NextMCP({ name: 'events', version: '1', logger: options.logger })
    .register(Tools)
    .use(createAuthMiddleware({ provider: new TokenProvider(), requiredScopes: ['notes:read'] }));
}

describe('auth events in memory', () => {
  let mcp: NextMCP;
  afterEach(() => mcp.close());

  it('reports an allowed call once, naming the caller, method, target and transport', async () => {
    mcp = serve();
    const recorded = recordEvents(mcp);
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'good-ann:notes:read,notes:write' } });
    await client.listTools();
    await client.callTool({ name: 'write', arguments: {} });
    await close();
    await settle();

    expect(recorded.events).toEqual([
      { event: 'auth:allowed', payload: { method: 'tools/call', target: 'write', caller: { provider: 'tokens', userId: 'ann' }, transport: 'in-memory' } },
    ]);
  });

  it('reports each refusal once with its code, reason and what was missing', async () => {
    mcp = serve();
    const recorded = recordEvents(mcp);
    const { client, setCredentials, close } = await connectTestClient(mcp, { credentials: { access_token: 'good-bob:notes:read' } });

    await expect(client.callTool({ name: 'write', arguments: {} })).rejects.toThrow(/-31003/);
    await expect(client.callTool({ name: 'purge', arguments: {} })).rejects.toThrow(/-31003/);
    setCredentials(undefined);
    await expect(client.callTool({ name: 'read', arguments: {} })).rejects.toThrow(/-31001/);
    setCredentials({ access_token: 'forged' });
    await expect(client.callTool({ name: 'read', arguments: {} })).rejects.toThrow(/-31001/);
    await close();
    await settle();

    const bob = { provider: 'tokens', userId: 'bob' };
    expect(recorded.events.map((e) => e.payload)).toEqual([
      { method: 'tools/call', target: 'write', caller: bob, transport: 'in-memory', code: -31003, reason: 'insufficient_scope', missingScopes: ['notes:write'] },
      { method: 'tools/call', target: 'purge', caller: bob, transport: 'in-memory', code: -31003, reason: 'forbidden', requiredRoles: ['admin'] },
      { method: 'tools/call', target: 'read', transport: 'in-memory', code: -31001, reason: 'authentication_required' },
      { method: 'tools/call', target: 'read', transport: 'in-memory', code: -31001, reason: 'invalid_token' },
    ]);
    expect(recorded.events.every((e) => e.event === 'auth:denied')).toBe(true);
  });

  it('reports a refused request that addresses no target with target null', async () => {
    mcp = serve();
    const recorded = recordEvents(mcp);
    const { client, setCredentials, close } = await connectTestClient(mcp);
    setCredentials({ access_token: 'forged' });
    await expect(client.listTools()).rejects.toThrow(/-31001/);
    await close();
    await settle();

    expect(recorded.of('auth:denied')).toEqual([{ method: 'tools/list', target: null, transport: 'in-memory', code: -31001, reason: 'invalid_token' }]);
  });

  it('says nothing about an anonymous call to an open target: there is no caller to report', async () => {
    mcp = serve();
    const recorded = recordEvents(mcp);
    const { client, close } = await connectTestClient(mcp);
    await expect(client.callTool({ name: 'health', arguments: {} })).resolves.toMatchObject({ content: [{ type: 'text', text: 'ok' }] });
    await close();
    await settle();

    expect(recorded.events).toEqual([]);
  });
});

describe('auth events over HTTP', () => {
  let mcp: NextMCP;
  let url: URL;
  beforeEach(async () => {
    mcp = serve();
    url = (await mcp.listen({ transport: 'http', port: 0 })).url!;
  });
  afterEach(() => mcp.close());

  it('reports a 401 before initialize as a refusal with target null', async () => {
    const recorded = recordEvents(mcp);
    expect((await postRpc(url, initializeRequest(1))).status).toBe(401);
    expect((await postRpc(url, initializeRequest(2), bearer('forged'))).status).toBe(401);
    const stream = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(401);
    await settle();

    expect(recorded.of('auth:denied')).toEqual([
      { method: 'initialize', target: null, transport: 'http', code: -31001, reason: 'authentication_required' },
      { method: 'initialize', target: null, transport: 'http', code: -31001, reason: 'invalid_token' },
      { method: 'GET', target: null, transport: 'http', code: -31001, reason: 'authentication_required' },
    ]);
  });

  it('reports each call the gate decides once, allowed or refused (403)', async () => {
    const recorded = recordEvents(mcp);
    const session = await openSession(url, bearer('good-cy:notes:read'));
    expect((await postRpc(url, toolCall(2, 'read'), session)).status).toBe(200);
    const refused = await postRpc(url, toolCall(3, 'write'), session);
    expect(refused.status).toBe(403);
    await settle();

    const cy = { provider: 'tokens', userId: 'cy' };
    expect(recorded.events).toEqual([
      { event: 'auth:allowed', payload: { method: 'tools/call', target: 'read', caller: cy, transport: 'http' } },
      {
        event: 'auth:denied',
        payload: { method: 'tools/call', target: 'write', caller: cy, transport: 'http', code: -31003, reason: 'insufficient_scope', missingScopes: ['notes:write'] },
      },
    ]);
  });

  it('reports a call to an unknown tool once, decided in the pipeline with target null', async () => {
    const recorded = recordEvents(mcp);
    const session = await openSession(url, bearer('good-di:notes:read'));
    await postRpc(url, toolCall(2, 'no_such_tool'), session);
    await settle();

    expect(recorded.events).toEqual([
      { event: 'auth:allowed', payload: { method: 'tools/call', target: null, caller: { provider: 'tokens', userId: 'di' }, transport: 'http' } },
    ]);
  });
});

describe('listeners', () => {
  let mcp: NextMCP;
  afterEach(() => mcp.close());

  it('cannot change or hold up the decision: a throwing, rejecting or hanging listener is logged and ignored', async () => {
    const logger = recordingLogger();
    mcp = serve({ logger });
    mcp.on('auth:allowed', () => {
      throw new Error('listener exploded');
    });
    mcp.on('auth:allowed', () => Promise.reject(new Error('listener rejected')));
    mcp.on('auth:allowed', () => new Promise(() => undefined)); // never settles
    mcp.on('auth:denied', (payload) => {
      (payload as { reason: string }).reason = 'changed'; // frozen: throws in strict mode
    });
    const recorded = recordEvents(mcp);
    const { url } = await mcp.listen({ transport: 'http', port: 0 });
    const client = new Client({ name: 'events', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(url!, { requestInit: { headers: bearer('good-ann:notes:read') } }));

    await expect(client.callTool({ name: 'read', arguments: {} })).resolves.toMatchObject({ content: [{ type: 'text', text: 'read' }] });
    await expect(client.callTool({ name: 'write', arguments: {} })).rejects.toThrow(/403|insufficient_scope/);
    await client.close();
    await settle();
    await settle();

    expect(recorded.of('auth:denied')[0].reason).toBe('insufficient_scope');
    expect(logger.lines.map((l) => [l.level, l.message, l.fields.event])).toEqual(
      expect.arrayContaining([
        ['warn', 'an auth event listener failed', 'auth:allowed'],
        ['warn', 'an auth event listener failed', 'auth:allowed'],
        ['warn', 'an auth event listener failed', 'auth:denied'],
      ]),
    );
    expect(logger.lines.map((l) => l.fields.error)).toEqual(expect.arrayContaining(['Error: listener exploded', 'Error: listener rejected']));
  });

  it('run after the call was decided, on a later turn', async () => {
    mcp = serve();
    const heard: string[] = [];
    mcp.on('auth:allowed', () => void heard.push('listener'));
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'good-ann:notes:read' } });
    await client.callTool({ name: 'read', arguments: {} });
    heard.push('call answered');
    await close();
    await settle();

    // In memory the whole call completes within one turn of the event loop; the listener runs after it.
    expect(heard).toEqual(['call answered', 'listener']);
  });

  it('stop when unsubscribed; the same function subscribed twice is two subscriptions', async () => {
    mcp = serve();
    const heard: string[] = [];
    const listener = (payload: { target: string | null }) => void heard.push(String(payload.target));
    const first = mcp.on('auth:allowed', listener);
    mcp.on('auth:allowed', listener);
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'good-ann:notes:read' } });
    await client.callTool({ name: 'read', arguments: {} });
    await settle();
    first();
    first();
    await client.callTool({ name: 'health', arguments: {} });
    await close();
    await settle();

    expect(heard).toEqual(['read', 'read', 'health']);
  });

  it('must name a known event', () => {
    mcp = serve();
    expect(() => mcp.on('auth:alowed' as 'auth:allowed', () => undefined)).toThrow(/Unknown auth event "auth:alowed"; known events: auth:allowed, auth:denied/);
    expect(() => mcp.on('auth:allowed', 'not a function' as never)).toThrow(TypeError);
  });
});
