import { request as httpRequest } from 'node:http';
import { ApiKeyProvider, JwtProvider } from '../../src';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';
import {
  SCOPES,
  bearer,
  expectNoSecret,
  initializeRequest,
  openSession,
  postRpc,
  readResponse,
  startProtectedServer,
  toolCall,
  type ProtectedServer,
  type RawResponse,
} from './http-fixtures';
import { freePort } from '../support/ports';

let idp: TestIssuer;

beforeAll(async () => {
  idp = await startOidcIssuer();
});
afterAll(() => idp.stop());

/** A JwtProvider trusting the test issuer, with no `audience` of its own unless given. */
function jwtProvider(audience?: string) {
  return new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url, ...(audience && { audience }) });
}

function whoamiResult(response: RawResponse) {
  expect(response.status).toBe(200);
  return response.json.result?.structuredContent as { user: string; provider: string };
}

describe('audience (RFC 8707): tokens must be meant for this resource', () => {
  let server: ProtectedServer;
  beforeAll(async () => {
    server = await startProtectedServer({ provider: jwtProvider() });
  });
  afterAll(() => server.close());

  it('refuses a token whose aud is another resource with 401 invalid_token', async () => {
    const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: 'https://other.example.com/mcp' });
    const response = await postRpc(server.url, initializeRequest(3), bearer(token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", scope="mcp:access", resource_metadata=/);
    expect(response.json.error).toMatchObject({ code: -31001, data: { error: 'invalid_token', providers: ['jwt'] } });
    expectNoSecret(response, token);
  });

  it('refuses a JWT that names no audience at all', async () => {
    const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware });
    const response = await postRpc(server.url, initializeRequest(3), bearer(token));
    expect(response.status).toBe(401);
    expect(response.json.error?.data).toMatchObject({ error: 'invalid_token' });
  });

  it('accepts a token for this resource URL, alone or among other audiences', async () => {
    for (const aud of [server.url.href, ['https://other.example.com/mcp', server.url.href]]) {
      const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud });
      const session = await openSession(server.url, bearer(token));
      expect(whoamiResult(await postRpc(server.url, toolCall(1, 'whoami'), session))).toMatchObject({ user: 'alice', provider: 'jwt' });
    }
  });

  it('takes an explicit resourceUrl (the public URL) as the audience, not the bound address', async () => {
    const publicUrl = 'https://notes.example.com/mcp';
    const behindProxy = await startProtectedServer({ provider: jwtProvider() }, { resourceUrl: publicUrl });
    try {
      const forBoundAddress = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: behindProxy.url.href });
      expect((await postRpc(behindProxy.url, initializeRequest(), bearer(forBoundAddress))).status).toBe(401);
      const forPublicUrl = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: publicUrl });
      const session = await openSession(behindProxy.url, bearer(forPublicUrl));
      expect(whoamiResult(await postRpc(behindProxy.url, toolCall(1, 'whoami'), session)).user).toBe('alice');
    } finally {
      await behindProxy.close();
    }
  });

  it("leaves the check to a provider that pins its own audience", async () => {
    const pinned = await startProtectedServer({ provider: jwtProvider('api://notes') });
    try {
      const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: 'api://notes' });
      const session = await openSession(pinned.url, bearer(token));
      expect(whoamiResult(await postRpc(pinned.url, toolCall(1, 'whoami'), session)).user).toBe('alice');
      const forResourceUrl = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: pinned.url.href });
      expect((await postRpc(pinned.url, initializeRequest(), bearer(forResourceUrl))).status).toBe(401);
    } finally {
      await pinned.close();
    }
  });
});

describe('where credentials may come from', () => {
  const apiKey = ApiKeyProvider.generateKey('nk_');
  let server: ProtectedServer;
  beforeAll(async () => {
    server = await startProtectedServer({
      providers: [jwtProvider(), new ApiKeyProvider({ keys: { [apiKey]: { userId: 'robot', scopes: [SCOPES.middleware] } } })],
    });
  });
  afterAll(() => server.close());

  it('refuses two Authorization headers with 400 invalid_request, even when both are valid', async () => {
    const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
    const response = await rawPost(server.url, initializeRequest(5), ['Authorization', `Bearer ${token}`, 'Authorization', `Bearer ${token}`]);
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_request", error_description="More than one Authorization header", resource_metadata="${server.metadataUrl}"`,
    );
    expect(response.json).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32600, message: 'More than one Authorization header' } });
    expectNoSecret(response, token);
  });

  it.each(['access_token', 'api_key'])('refuses a credential in the query string (%s) with 400, even with a valid header', async (parameter) => {
    const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
    const url = new URL(server.url);
    url.searchParams.set(parameter, token);
    const response = await postRpc(url, initializeRequest(6), bearer(token));
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request", error_description="Credentials are not accepted in the query string"/);
    expect(response.json.error).toEqual({ code: -32600, message: 'Credentials are not accepted in the query string' });
    expectNoSecret(response, token);
  });

  it('accepts the scheme name in any case', async () => {
    const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const session = await openSession(server.url, { authorization: `${scheme} ${token}` });
      expect(whoamiResult(await postRpc(server.url, toolCall(1, 'whoami'), session)).user).toBe('alice');
    }
  });

  it('refuses another scheme as invalid credentials, not as a missing token', async () => {
    const response = await postRpc(server.url, initializeRequest(8), { authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(response.status).toBe(401);
    expect(response.json.error?.data).toMatchObject({ error: 'invalid_token' });
    expectNoSecret(response, 'YWxpY2U6c2VjcmV0');
  });

  it('hands an X-API-Key header to the ApiKeyProvider', async () => {
    const session = await openSession(server.url, { 'x-api-key': apiKey });
    const response = await postRpc(server.url, toolCall(1, 'whoami'), session);
    expect(whoamiResult(response)).toMatchObject({ user: 'robot', provider: 'api-key' });
    expectNoSecret(response, apiKey);
    const wrong = await postRpc(server.url, initializeRequest(2), { 'x-api-key': `${apiKey}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error?.data).toMatchObject({ error: 'invalid_token', providers: ['api-key'] });
    expectNoSecret(wrong, apiKey);
  });
});

describe('provider outage', () => {
  it('answers 503 provider_unavailable quickly when the JWKS cannot be reached', async () => {
    const closedPort = await freePort();
    const down = new JwtProvider({ jwksUri: `http://127.0.0.1:${closedPort}/jwks`, issuer: idp.url, timeoutMs: 500 });
    const server = await startProtectedServer({ provider: down });
    try {
      const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
      const started = Date.now();
      const response = await postRpc(server.url, initializeRequest(4), bearer(token));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(response.status).toBe(503);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(response.json).toEqual({
        jsonrpc: '2.0',
        id: 4,
        error: { code: -31001, message: expect.any(String), data: { error: 'provider_unavailable', providers: ['jwt'], required_scopes: [SCOPES.middleware] } },
      });
      expectNoSecret(response, token);
    } finally {
      await server.close();
    }
  });
});

describe('stateless servers', () => {
  it('gate every request alike: 401 without a token, 403 for missing scopes, 200 otherwise', async () => {
    const server = await startProtectedServer({ provider: jwtProvider() }, { stateless: true });
    try {
      expect((await postRpc(server.url, toolCall(1, 'whoami'))).status).toBe(401);
      const token = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
      const refused = await postRpc(server.url, toolCall(2, 'write_note'), bearer(token));
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", /);
      const allowed = await postRpc(server.url, toolCall(3, 'whoami'), bearer(token));
      expect(allowed.headers.get('mcp-session-id')).toBeNull();
      expect(whoamiResult(allowed).user).toBe('alice');
      for (const response of [refused, allowed]) expectNoSecret(response, token);
    } finally {
      await server.close();
    }
  });
});

describe('stateful sessions belong to the identity that opened them', () => {
  let server: ProtectedServer;
  beforeAll(async () => {
    server = await startProtectedServer({ provider: jwtProvider() });
  });
  afterAll(() => server.close());

  it("answers 404 to another user's token on the session, and keeps serving its owner", async () => {
    const alice = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
    const mallory = await idp.mintToken({ sub: 'mallory', scope: SCOPES.middleware, aud: server.url.href });
    const session = await openSession(server.url, bearer(alice));

    const hijack = await postRpc(server.url, toolCall(2, 'whoami'), { ...session, ...bearer(mallory) });
    expect(hijack.status).toBe(404);
    expectNoSecret(hijack, mallory);
    const stream = await fetch(server.url, { method: 'GET', headers: { ...session, ...bearer(mallory), accept: 'text/event-stream' } });
    expect(stream.status).toBe(404);
    await stream.text();
    const end = await fetch(server.url, { method: 'DELETE', headers: { ...session, ...bearer(mallory) } });
    expect(end.status).toBe(404);
    await end.text();

    // A new token of the same user keeps the session.
    const aliceAgain = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
    expect(whoamiResult(await postRpc(server.url, toolCall(3, 'whoami'), { ...session, ...bearer(aliceAgain) })).user).toBe('alice');
  });

  it('refuses the session without a token with 401, not by session id alone', async () => {
    const alice = await idp.mintToken({ sub: 'alice', scope: SCOPES.middleware, aud: server.url.href });
    const session = await openSession(server.url, bearer(alice));
    const { authorization: _dropped, ...withoutToken } = session;
    const response = await postRpc(server.url, toolCall(2, 'whoami'), withoutToken);
    expect(response.status).toBe(401);
  });
});

/** A POST with raw headers (`[name, value, name, value, …]`), so a header name can repeat on the wire. */
function rawPost(url: URL, body: unknown, rawHeaders: string[]): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: ['Host', url.host, 'Content-Type', 'application/json', 'Accept', 'application/json, text/event-stream', ...rawHeaders],
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
          void readResponse(new Response(Buffer.concat(chunks), { status: res.statusCode, headers })).then(resolve, reject);
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

