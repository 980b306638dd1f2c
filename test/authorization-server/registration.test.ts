import 'reflect-metadata';
import { createServer } from 'node:net';
import { GitHubOAuthProvider } from '../../src';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { RecordingStore } from '../support/recording-store';
import { CLIENT_REDIRECT, endpoint, obtainTokens, register, startNotesServer, whoamiWith, type NotesServer } from '../support/authorization-server';

/*
 * DESIGN §7: RFC 8414 metadata, JWKS, RFC 7591 registration with the redirect-URI rules, CORS on
 * the machine endpoints, and the issuer listed in the RFC 9728 metadata of the MCP endpoint.
 */

let gh: FakeGitHub;
let server: NotesServer;
const store = new RecordingStore();

function github(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
}

beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] });
  server = await startNotesServer(github(), { store });
});
afterAll(async () => {
  await server.close();
  await gh.stop();
});

describe('discovery', () => {
  it('serves RFC 8414 metadata naming every endpoint, S256 only, no-store and CORS *', async () => {
    const response = await fetch(endpoint(server, '/.well-known/oauth-authorization-server'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const o = server.origin;
    expect(await response.json()).toEqual({
      issuer: o,
      authorization_endpoint: `${o}/authorize`,
      token_endpoint: `${o}/token`,
      registration_endpoint: `${o}/register`,
      revocation_endpoint: `${o}/revoke`,
      jwks_uri: `${o}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      scopes_supported: ['notes:read', 'notes:write'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('lists the issuer in the MCP endpoint’s RFC 9728 metadata', async () => {
    const prm = (await (await fetch(endpoint(server, '/.well-known/oauth-protected-resource/mcp'))).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: server.url.href, authorization_servers: [server.origin] });
  });

  it('publishes the public signing key (kid, alg, use) and never the private part', async () => {
    const jwks = (await (await fetch(endpoint(server, '/.well-known/jwks.json'))).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('answers CORS preflights of the machine endpoints, never allowing credentials', async () => {
    for (const path of ['/token', '/register', '/revoke', '/.well-known/oauth-authorization-server']) {
      const response = await fetch(endpoint(server, path), { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' } });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('serves metadata at the issuer path too, and endpoints below it', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/as`;
    const mcp = await startNotesServerOn(port, { issuer });
    try {
      const metadata = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server/as`)).json()) as Record<string, string>;
      expect(metadata.issuer).toBe(issuer);
      expect(metadata.token_endpoint).toBe(`${issuer}/token`);
      expect((await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)).status).toBe(200);
      expect((await register(mcp)).status).toBe(404);
      const registered = await fetch(`${issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none' }),
      });
      expect(registered.status).toBe(201);
    } finally {
      await mcp.close();
    }
  });

  it('leaves registration out when it is disabled', async () => {
    const closed = await startNotesServer(github(), { registration: { enabled: false } });
    try {
      const metadata = (await (await fetch(endpoint(closed, '/.well-known/oauth-authorization-server'))).json()) as Record<string, unknown>;
      expect(metadata.registration_endpoint).toBeUndefined();
      expect((await register(closed)).status).toBe(404);
    } finally {
      await closed.close();
    }
  });
});

describe('POST /register (RFC 7591)', () => {
  it('registers a public client: 201 with the metadata as stored, no secret', async () => {
    const answer = await register(server, { client_name: 'Inspector', client_uri: 'https://inspector.example', ignored_field: 'x' });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      client_id: expect.any(String),
      client_id_issued_at: expect.any(Number),
      client_name: 'Inspector',
      client_uri: 'https://inspector.example',
      redirect_uris: [CLIENT_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
  });

  it('gives a confidential client (RFC 7591 default client_secret_basic) a secret it stores only as SHA-256', async () => {
    const answer = await register(server, { token_endpoint_auth_method: undefined });
    expect(answer.body).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', client_secret: expect.any(String), client_secret_expires_at: 0 });
    const secret = answer.body.client_secret as string;
    const stored = store.contents.get(`client:${answer.body.client_id as string}`)!;
    expect(stored).not.toContain(secret);
    expect(JSON.parse(stored).client_secret_sha256).toEqual(expect.any(String));
  });

  it.each([
    ['http: on a public host', ['http://app.example/cb']],
    ['javascript:', ['javascript:alert(1)']],
    ['data:', ['data:text/html,hi']],
    ['file:', ['file:///etc/passwd']],
    ['a fragment', ['https://app.example/cb#x']],
    ['a relative URI', ['/callback']],
    ['none at all', []],
    ['eleven of them', Array.from({ length: 11 }, (_, i) => `https://app.example/cb${i}`)],
  ])('refuses redirect URIs with %s: 400 invalid_redirect_uri, nothing stored', async (_case, uris) => {
    const mark = store.changes.length;
    const answer = await register(server, { redirect_uris: uris });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_redirect_uri');
    expect(store.since(mark)).toEqual([]);
  });

  it('accepts https:, http: on loopback and a native app’s own scheme', async () => {
    const answer = await register(server, { redirect_uris: ['https://app.example/cb', 'http://localhost:3000/cb', 'http://[::1]/cb', 'vscode://vscode.mcp/callback', 'com.example.app:/oauth'] });
    expect(answer.status).toBe(201);
  });

  it.each([
    ['a grant type it does not offer', { grant_types: ['client_credentials'] }],
    ['a response type other than code', { response_types: ['token'] }],
    ['an unknown client authentication method', { token_endpoint_auth_method: 'private_key_jwt' }],
    ['a client_uri that is not a URL', { client_uri: 'not a url' }],
  ])('refuses %s: invalid_client_metadata', async (_case, metadata) => {
    const answer = await register(server, metadata);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client_metadata');
  });

  it('refuses a body that is not JSON', async () => {
    const response = await fetch(endpoint(server, '/register'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client_metadata');
  });

  it('holds redirect URIs to allowedRedirectUris, where * stays within one path segment or port', async () => {
    const strict = await startNotesServer(github(), { registration: { allowedRedirectUris: ['http://127.0.0.1:*/callback', 'https://app.example.com/oauth/*'] } });
    try {
      for (const uri of ['http://127.0.0.1:8080/callback', 'https://app.example.com/oauth/done']) {
        expect((await register(strict, { redirect_uris: [uri] })).status).toBe(201);
      }
      for (const uri of ['https://app.example.com/oauth/a/b', 'https://evil.example/oauth/x', 'http://127.0.0.1:80@evil.example/callback', 'http://localhost:8080/callback']) {
        expect((await register(strict, { redirect_uris: [uri] })).body.error).toBe('invalid_redirect_uri');
      }
    } finally {
      await strict.close();
    }
  });

  it('a registered client logs in and its token works', async () => {
    const answer = await register(server);
    const tokens = await obtainTokens(server, answer.body.client_id as string);
    expect((await whoamiWith(server, tokens.access_token)).username).toBe('octo');
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const port = (probe.address() as { port: number }).port;
  await new Promise((done) => probe.close(done));
  return port;
}

/** A notes server on a known port (for an issuer with a path, fixed before listening). */
async function startNotesServerOn(port: number, options: { issuer: string }): Promise<NotesServer> {
  const { NextMCP, createAuthMiddleware } = await import('../../src');
  const { TEST_SIGNING_KEY } = await import('../support/authorization-server');
  const mcp = new NextMCP({ name: 'notes', version: '1' });
  mcp.tool('whoami', {}, async () => 'x');
  const authServer = mcp.enableAuthorizationServer({ upstream: github(), issuer: options.issuer, signingKey: TEST_SIGNING_KEY });
  mcp.use(createAuthMiddleware({ provider: authServer }));
  const listener = await mcp.listen({ transport: 'http', port });
  return { mcp, authServer, url: listener.url!, origin: listener.url!.origin, close: () => mcp.close() };
}
