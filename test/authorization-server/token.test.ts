import 'reflect-metadata';
import { createPrivateKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { GitHubOAuthProvider, MemorySessionStore } from '../../src';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { RecordingStore } from '../support/recording-store';
import {
  CLIENT_REDIRECT,
  endpoint,
  mcpStatus,
  obtainCode,
  obtainTokens,
  postToken,
  redeem,
  refresh,
  register,
  registeredClient,
  startNotesServer,
  TEST_SIGNING_KEY,
  whoamiWith,
  type NotesServer,
} from '../support/authorization-server';

/*
 * Issue 12, items 4 and DESIGN §7 (token side): codes single-use with replay revoking the grant,
 * refresh rotation with a grace window, narrowing only, the upstream re-checked at refresh, RFC 7009
 * revocation, and every issued token checked against its grant on every request.
 */

let gh: FakeGitHub;
let server: NotesServer;
let store: RecordingStore;
const sessions = new MemorySessionStore();
let clientId: string;

function github(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0 });
}

beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] });
  store = new RecordingStore();
  server = await startNotesServer(github(), { store, sessionStore: sessions, refreshGraceSeconds: 2 });
  clientId = await registeredClient(server);
});
afterAll(async () => {
  await server.close();
  await gh.stop();
});

describe('the authorization_code grant', () => {
  it('answers an RFC 9068 access token (at+jwt, kid, exactly the listed claims) and a refresh token, no-store, CORS *', async () => {
    const { code, verifier } = await obtainCode(server, clientId);
    const answer = await redeem(server, clientId, code, verifier);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String), scope: 'notes:read' });
    const token = answer.body.access_token as string;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sid', 'sub']);
    expect(claims).toMatchObject({ iss: server.origin, aud: server.url.href, sub: '4242', client_id: clientId, scope: 'notes:read' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect((await mcpStatus(server, token)).status).toBe(200);
  });

  it('a replayed code is invalid_grant and revokes the grant issued from it', async () => {
    const { code, verifier } = await obtainCode(server, clientId);
    const issued = await redeem(server, clientId, code, verifier);
    const replay = await redeem(server, clientId, code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await mcpStatus(server, issued.body.access_token as string)).status).toBe(401);
    expect((await refresh(server, clientId, issued.body.refresh_token as string)).body.error).toBe('invalid_grant');
  });

  it.each([
    ['another client', async (code: string, verifier: string, other: string) => redeem(server, other, code, verifier), 'invalid_grant'],
    ['another redirect_uri', async (code: string, verifier: string) => redeem(server, clientId, code, verifier, { redirect_uri: 'http://127.0.0.1:9/other' }), 'invalid_grant'],
    ['a wrong code_verifier', async (code: string) => redeem(server, clientId, code, 'x'.repeat(43)), 'invalid_grant'],
    ['another resource', async (code: string, verifier: string) => redeem(server, clientId, code, verifier, { resource: 'https://other.example/mcp' }), 'invalid_target'],
  ])('%s: the exact error, and the code is used up without any grant', async (_case, attempt, error) => {
    const other = await registeredClient(server);
    const { code, verifier } = await obtainCode(server, clientId);
    const grantsBefore = [...store.contents.keys()].filter((k) => k.startsWith('grant:')).length;
    const refused = await attempt(code, verifier, other);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe(error);
    expect([...store.contents.keys()].filter((k) => k.startsWith('grant:'))).toHaveLength(grantsBefore);
    expect((await redeem(server, clientId, code, verifier)).body.error).toBe('invalid_grant');
  });

  it('an unknown client, or a confidential one with a wrong secret, is 401 invalid_client', async () => {
    const unknown = await postToken(server, { grant_type: 'authorization_code', client_id: 'nobody', code: 'c' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const confidential = await register(server, { token_endpoint_auth_method: 'client_secret_basic' });
    const { client_id, client_secret } = confidential.body as { client_id: string; client_secret: string };
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const wrong = await postToken(server, { grant_type: 'authorization_code', code: 'c' }, { authorization: basic(client_id, 'wrong') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    const missing = await postToken(server, { grant_type: 'authorization_code', client_id, code: 'c' });
    expect(missing.status).toBe(401);

    const { code, verifier } = await obtainCode(server, client_id);
    const ok = await postToken(
      server,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CLIENT_REDIRECT },
      { authorization: basic(client_id, client_secret) },
    );
    expect(ok.status).toBe(200);
    const post = await obtainCode(server, client_id);
    const viaPost = await postToken(server, { grant_type: 'authorization_code', client_id, client_secret, code: post.code, code_verifier: post.verifier, redirect_uri: CLIENT_REDIRECT });
    expect(viaPost.status).toBe(200);
  });

  it('an unknown grant_type is unsupported_grant_type', async () => {
    const answer = await postToken(server, { grant_type: 'password', client_id: clientId });
    expect(answer.body.error).toBe('unsupported_grant_type');
  });
});

describe('the refresh_token grant', () => {
  it('rotates: a new pair, the old token answers the same successor response within the grace window', async () => {
    const tokens = await obtainTokens(server, clientId);
    const rotated = await refresh(server, clientId, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(rotated.body.access_token).not.toBe(tokens.access_token);
    const again = await refresh(server, clientId, tokens.refresh_token);
    expect(again.body).toEqual(rotated.body);
    expect((await mcpStatus(server, rotated.body.access_token as string)).status).toBe(200);
  });

  it('gives concurrent uses of one token one and the same response', async () => {
    const tokens = await obtainTokens(server, clientId);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(server, clientId, tokens.refresh_token)));
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers[0].status).toBe(200);
  });

  it('a use after the grace window is invalid_grant and revokes the whole grant', async () => {
    const tokens = await obtainTokens(server, clientId);
    const rotated = await refresh(server, clientId, tokens.refresh_token);
    await new Promise((done) => setTimeout(done, 3_100));
    const late = await refresh(server, clientId, tokens.refresh_token);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
    expect((await mcpStatus(server, rotated.body.access_token as string)).status).toBe(401);
    expect((await refresh(server, clientId, rotated.body.refresh_token as string)).body.error).toBe('invalid_grant');
  });

  it('a refresh token of another client is invalid_grant and changes nothing', async () => {
    const tokens = await obtainTokens(server, clientId);
    const other = await registeredClient(server);
    const mark = store.changes.length;
    const refused = await refresh(server, other, tokens.refresh_token);
    expect(refused.body.error).toBe('invalid_grant');
    expect(store.since(mark)).toEqual([]);
    expect((await refresh(server, clientId, tokens.refresh_token)).status).toBe(200);
  });

  it('a scope may narrow, never widen (invalid_scope, changing nothing)', async () => {
    const both = await obtainTokens(server, clientId, { scope: 'notes:read notes:write' });
    const readOnly = await obtainTokens(server, clientId, { scope: 'notes:read' });
    const mark = store.changes.length;
    const widened = await refresh(server, clientId, readOnly.refresh_token, { scope: 'notes:read notes:write' });
    expect(widened.status).toBe(400);
    expect(widened.body.error).toBe('invalid_scope');
    expect(store.since(mark)).toEqual([]);
    expect((await refresh(server, clientId, readOnly.refresh_token)).status).toBe(200);
    const narrowed = await refresh(server, clientId, both.refresh_token, { scope: 'notes:read' });
    expect(narrowed.body.scope).toBe('notes:read');
    expect(decodeJwt(narrowed.body.access_token as string).scope).toBe('notes:read');
  });

  it('re-checks the user upstream: refused upstream is invalid_grant and revokes the grant', async () => {
    const tokens = await obtainTokens(server, clientId);
    const upstreamToken = (await sessions.load('4242', 'github'))!.accessToken;
    gh.revokeToken(upstreamToken);
    const refused = await refresh(server, clientId, tokens.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect((await mcpStatus(server, tokens.access_token)).status).toBe(401);
  });

  it('upstream down is 503 temporarily_unavailable and changes nothing: the same token works once it is back', async () => {
    const tokens = await obtainTokens(server, clientId);
    gh.server.failNext('/user', 503, { message: 'down' });
    const down = await refresh(server, clientId, tokens.refresh_token);
    expect(down.status).toBe(503);
    expect(down.body.error).toBe('temporarily_unavailable');
    const back = await refresh(server, clientId, tokens.refresh_token);
    expect(back.status).toBe(200);
  });
});

describe('POST /revoke (RFC 7009)', () => {
  const revoke = (form: Record<string, string>) => postToken(server, form, {}, '/revoke');

  it('reports grant:issued and grant:revoked (DESIGN §9) with ids only, never a token', async () => {
    const seen: { event: string; payload: unknown }[] = [];
    const stops = (['grant:issued', 'grant:revoked'] as const).map((event) => server.mcp.on(event, (payload) => void seen.push({ event, payload })));
    try {
      const tokens = await obtainTokens(server, clientId);
      const grantId = decodeJwt(tokens.access_token).sid as string;
      await revoke({ client_id: clientId, token: tokens.refresh_token });
      await new Promise((done) => setTimeout(done, 20)); // listeners run on a later turn
      const expected = { grantId, clientId, userId: '4242' };
      expect(seen).toEqual([
        { event: 'grant:issued', payload: expected },
        { event: 'grant:revoked', payload: expected },
      ]);
      for (const secret of [tokens.access_token, tokens.refresh_token]) expect(JSON.stringify(seen)).not.toContain(secret);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('an access token revokes its whole grant: both tokens are refused on the next request', async () => {
    const tokens = await obtainTokens(server, clientId);
    const upstreamToken = (await sessions.load('4242', 'github'))!.accessToken;
    const answer = await revoke({ client_id: clientId, token: tokens.access_token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect((await mcpStatus(server, tokens.access_token)).status).toBe(401);
    expect((await refresh(server, clientId, tokens.refresh_token)).body.error).toBe('invalid_grant');
    // The upstream token is not revoked: other grants of the user share that session.
    expect((await fetch(`${gh.url}/user`, { headers: { authorization: `Bearer ${upstreamToken}` } })).status).toBe(200);
  });

  it('a refresh token revokes its whole grant', async () => {
    const tokens = await obtainTokens(server, clientId);
    expect((await revoke({ client_id: clientId, token: tokens.refresh_token })).status).toBe(200);
    expect((await mcpStatus(server, tokens.access_token)).status).toBe(401);
  });

  it('answers 200 for unknown tokens and for another client’s tokens, which stay valid', async () => {
    const tokens = await obtainTokens(server, clientId);
    const other = await registeredClient(server);
    expect((await revoke({ client_id: clientId, token: 'not-a-token' })).status).toBe(200);
    expect((await revoke({ client_id: other, token: tokens.access_token })).status).toBe(200);
    expect((await revoke({ client_id: other, token: tokens.refresh_token })).status).toBe(200);
    expect((await mcpStatus(server, tokens.access_token)).status).toBe(200);
  });

  it('without a token is invalid_request; an unknown client is invalid_client', async () => {
    expect((await revoke({ client_id: clientId })).body.error).toBe('invalid_request');
    expect((await revoke({ client_id: 'nobody', token: 'x' })).status).toBe(401);
  });

  it('revokeGrant and revokeUser end grants from the server side', async () => {
    const first = await obtainTokens(server, clientId);
    const second = await obtainTokens(server, clientId);
    expect(await server.authServer.revokeGrant(decodeJwt(first.access_token).sid as string)).toBe(true);
    expect((await mcpStatus(server, first.access_token)).status).toBe(401);
    expect((await mcpStatus(server, second.access_token)).status).toBe(200);
    expect(await server.authServer.revokeUser('4242')).toBeGreaterThanOrEqual(1);
    expect((await mcpStatus(server, second.access_token)).status).toBe(401);
  });
});

describe('tokens are checked on every request', () => {
  /** A token signed with the server's own key, claims chosen by the test. */
  async function signed(claims: Record<string, unknown>, typ = 'at+jwt'): Promise<string> {
    const jwks = (await (await fetch(endpoint(server, '/.well-known/jwks.json'))).json()) as { keys: { kid: string }[] };
    const key = createPrivateKey({ key: JSON.parse(TEST_SIGNING_KEY), format: 'jwk' });
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: server.origin, aud: server.url.href, sub: '4242', client_id: clientId, scope: 'notes:read', jti: 'j', sid: 'none', iat: now, exp: now + 60, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0].kid, typ })
      .sign(key);
  }

  it('refuses a token for another resource, of an unknown grant, of the wrong type, or from the upstream: 401 invalid_token', async () => {
    const tokens = await obtainTokens(server, clientId);
    const sid = decodeJwt(tokens.access_token).sid;
    const upstreamToken = (await sessions.load('4242', 'github'))!.accessToken;
    for (const token of [
      await signed({ sid, aud: 'https://other.example/mcp' }),
      await signed({ sid, aud: [server.url.href, 'https://other.example/mcp'] }),
      await signed({ sid: 'no-such-grant' }),
      await signed({ sid, sub: '9999' }),
      await signed({ sid }, 'JWT'),
      upstreamToken,
    ]) {
      const { status, challenge } = await mcpStatus(server, token);
      expect(status).toBe(401);
      expect(challenge).toMatch(/error="invalid_token"/);
    }
    expect((await mcpStatus(server, await signed({ sid }))).status).toBe(200);
  });

  it('an in-memory connection carrying the token sees a revocation on its next call', async () => {
    const { connectTestClient } = await import('../../src/testing');
    const tokens = await obtainTokens(server, clientId);
    const { client, close } = await connectTestClient(server.mcp, { credentials: { access_token: tokens.access_token } });
    try {
      expect((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({ userId: '4242' });
      await server.authServer.revokeGrant(decodeJwt(tokens.access_token).sid as string);
      await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toMatchObject({ code: -31001, data: { error: 'invalid_token' } });
    } finally {
      await close();
    }
  });

  it('an expired token is refused', async () => {
    // Long enough that the first call lands before expiry on a busy machine.
    const short = await startNotesServer(github(), { accessTokenTtlSeconds: 5 });
    try {
      const id = await registeredClient(short);
      const tokens = await obtainTokens(short, id);
      expect((await whoamiWith(short, tokens.access_token)).userId).toBe('4242');
      const expiresAt = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()).exp as number;
      await new Promise((done) => setTimeout(done, Math.max(0, expiresAt * 1000 - Date.now()) + 1_100));
      expect((await mcpStatus(short, tokens.access_token)).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});
