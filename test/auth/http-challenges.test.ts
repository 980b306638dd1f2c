import { JwtProvider } from '../../src';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';
import {
  SCOPES,
  WRITE_NOTE_SCOPES,
  bearer,
  expectNoSecret,
  initializeRequest,
  openSession,
  postRpc,
  startProtectedServer,
  toolCall,
  type ProtectedServer,
} from './http-fixtures';

let idp: TestIssuer;
let server: ProtectedServer;

beforeAll(async () => {
  idp = await startOidcIssuer();
  // No `audience`: the HTTP layer checks `aud` against the server's resource URL.
  server = await startProtectedServer({ provider: new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url }) });
});
afterAll(async () => {
  await server.close();
  await idp.stop();
});

/** A token for this server's resource with `scope`. */
function tokenFor(scope: string[], options: { sub?: string; claims?: Record<string, unknown> } = {}) {
  return idp.mintToken({ sub: options.sub ?? 'alice', scope, aud: server.url.href, claims: options.claims });
}

describe('RFC 9728 protected-resource metadata', () => {
  it('names the resource, the issuer as authorization server, the scopes and the header bearer method', async () => {
    const response = await fetch(server.metadataUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      resource: server.url.href,
      authorization_servers: [idp.url],
      bearer_methods_supported: ['header'],
    });
    expect([...(metadata.scopes_supported as string[])].sort()).toEqual([...WRITE_NOTE_SCOPES].sort());
  });

  it('advertises the authorizationServers option instead of the issuer, and an explicit resourceUrl', async () => {
    // Behind a proxy that maps https://notes.example.com/api/mcp to the bound /mcp.
    const other = await startProtectedServer(
      { provider: new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url }) },
      { resourceUrl: 'https://notes.example.com/api/mcp', authorizationServers: ['https://login.example.com/tenant'] },
    );
    try {
      // The challenge points at the public metadata URL, not the bound address...
      const refused = await postRpc(other.url, initializeRequest());
      const publicMetadataUrl = 'https://notes.example.com/.well-known/oauth-protected-resource/api/mcp';
      expect(refused.headers.get('www-authenticate')).toBe(`Bearer scope="${SCOPES.middleware}", resource_metadata="${publicMetadataUrl}"`);
      // ...and the server answers there as well as at its bound path.
      for (const metadataUrl of [`${other.url.origin}${new URL(publicMetadataUrl).pathname}`, other.metadataUrl]) {
        const metadata = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>;
        expect(metadata).toMatchObject({
          resource: 'https://notes.example.com/api/mcp',
          authorization_servers: ['https://login.example.com/tenant'],
          bearer_methods_supported: ['header'],
        });
      }
      expect((await fetch(`${other.url.origin}/.well-known/oauth-protected-resource/elsewhere`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe('401 on a REQUIRED server', () => {
  const challengeWithoutToken = () => `Bearer scope="${SCOPES.middleware}", resource_metadata="${server.metadataUrl}"`;

  it('refuses initialize without a token, with the challenge and the JSON-RPC error for its id', async () => {
    const response = await postRpc(server.url, initializeRequest(41));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challengeWithoutToken());
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(response.json).toEqual({
      jsonrpc: '2.0',
      id: 41,
      error: {
        code: -31001,
        message: expect.any(String),
        data: { error: 'authentication_required', providers: ['jwt'], required_scopes: [SCOPES.middleware] },
      },
    });
  });

  it.each([
    ['tools/list', { jsonrpc: '2.0', id: 'l', method: 'tools/list' }],
    ['ping', { jsonrpc: '2.0', id: 'p', method: 'ping' }],
    ['a public tool', toolCall('h', 'health')],
  ])('refuses %s without a token as well', async (_name, body) => {
    const response = await postRpc(server.url, body);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challengeWithoutToken());
    expect(response.json.id).toBe(body.id);
    expect(response.json.error?.data?.error).toBe('authentication_required');
  });

  it('refuses GET and DELETE on the endpoint without a token', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(server.url, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(challengeWithoutToken());
      await response.text();
    }
  });

  it.each([
    ['a garbage token', async () => 'not-a-jwt', 'invalid_token'],
    ['a token of another issuer', async () => (await startOtherIssuerToken()), 'invalid_token'],
    ['an expired token', async () => idp.mintToken({ sub: 'alice', scope: [SCOPES.middleware], aud: server.url.href, expiresIn: -3600 }), 'token_expired'],
  ])('answers %s with error="invalid_token" and error_description', async (_name, makeToken, reason) => {
    const token = await makeToken();
    const response = await postRpc(server.url, initializeRequest(7), bearer(token));
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toMatch(
      new RegExp(`^Bearer error="invalid_token", error_description="[^"]+", scope="${SCOPES.middleware}", resource_metadata="${escape(server.metadataUrl)}"$`),
    );
    expect(response.json).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -31001, message: expect.any(String), data: { error: reason, providers: ['jwt'], required_scopes: [SCOPES.middleware] } },
    });
    expectNoSecret(response, token);
  });
});

describe('403 for a call the token may not make', () => {
  it('names every scope the call needs (middleware + decorator + manifest) and the missing ones', async () => {
    const token = await tokenFor([SCOPES.middleware, SCOPES.decorator]);
    const session = await openSession(server.url, bearer(token));
    const response = await postRpc(server.url, toolCall(9, 'write_note'), session);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="Insufficient scope: missing ${SCOPES.manifest}", ` +
        `scope="${WRITE_NOTE_SCOPES.join(' ')}", resource_metadata="${server.metadataUrl}"`,
    );
    expect(response.json).toEqual({
      jsonrpc: '2.0',
      id: 9,
      error: {
        code: -31003,
        message: expect.any(String),
        data: {
          error: 'insufficient_scope',
          tool: 'write_note',
          required_scopes: WRITE_NOTE_SCOPES,
          missing_scopes: [SCOPES.manifest],
          required_roles: [],
          required_permissions: [],
        },
      },
    });
    expectNoSecret(response, token);
  });

  it('also refuses a token lacking the middleware scope on a call that needs nothing else', async () => {
    const token = await tokenFor([]);
    // initialize is not a call: the token is valid, so the session opens.
    const session = await openSession(server.url, bearer(token));
    const response = await postRpc(server.url, toolCall(10, 'whoami'), session);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain(`scope="${SCOPES.middleware}"`);
    expect(response.json.error?.data).toMatchObject({ error: 'insufficient_scope', missing_scopes: [SCOPES.middleware] });
  });

  it('refuses a missing role with 403 -31003 forbidden and no scope challenge', async () => {
    const token = await tokenFor([SCOPES.middleware], { claims: { roles: ['reader'] } });
    const session = await openSession(server.url, bearer(token));
    const response = await postRpc(server.url, toolCall(11, 'purge'), session);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(response.json).toEqual({
      jsonrpc: '2.0',
      id: 11,
      error: {
        code: -31003,
        message: expect.any(String),
        data: {
          error: 'forbidden',
          tool: 'purge',
          required_scopes: [SCOPES.middleware],
          missing_scopes: [],
          required_roles: ['admin', 'owner'],
          required_permissions: [],
        },
      },
    });
    expectNoSecret(response, token);
  });

  it('lets a token with every scope and the role through, and the tool sees who called', async () => {
    const token = await tokenFor(WRITE_NOTE_SCOPES, { claims: { roles: ['owner'] } });
    const session = await openSession(server.url, bearer(token));
    const written = await postRpc(server.url, toolCall(12, 'write_note'), session);
    expect(written.status).toBe(200);
    expect(written.json.result).toMatchObject({ content: [{ type: 'text', text: 'written' }] });
    const purged = await postRpc(server.url, toolCall(13, 'purge'), session);
    expect(purged.json.result).toMatchObject({ content: [{ type: 'text', text: 'purged' }] });
    const whoami = await postRpc(server.url, toolCall(14, 'whoami'), session);
    expect(whoami.json.result?.structuredContent).toEqual({ user: 'alice', provider: 'jwt', scopes: [...WRITE_NOTE_SCOPES].sort() });
    for (const response of [written, purged, whoami]) expectNoSecret(response, token);
  });
});

/** A well-formed token signed by an issuer this server does not trust. */
async function startOtherIssuerToken(): Promise<string> {
  const other = await startOidcIssuer();
  try {
    return await other.mintToken({ sub: 'alice', scope: [SCOPES.middleware], aud: server.url.href });
  } finally {
    await other.stop();
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
