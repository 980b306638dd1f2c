import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { SignJWT, base64url, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { JwtProvider, MAX_JWT_LENGTH, type JwtProviderBaseOptions, type JwtProviderOptions } from '../../src/auth/providers/jwt-provider';
import type { AuthResult } from '../../src/auth/provider';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';

const AUDIENCE = 'https://mcp.test/mcp';
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';

/** Asserts a refusal with `reason`, and that the error text does not carry the token. */
function expectRefused(result: AuthResult, reason: AuthResult['reason'], token: string): void {
  expect(result).toMatchObject({ success: false, reason });
  expect(result.context).toBeUndefined();
  expect(typeof result.error).toBe('string');
  if (token.length > 8) {
    expect(result.error).not.toContain(token);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(result.error).not.toContain(part);
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Claims a genuine token from `idp` would carry, for tokens built by hand. */
function claimsFrom(idp: TestIssuer, extra: JWTPayload = {}): JWTPayload {
  return { iss: idp.url, aud: AUDIENCE, sub: 'mallory', iat: nowSeconds(), exp: nowSeconds() + 3600, ...extra };
}

/** The issuer's current signing key (private), as a KeyObject, and its public JWK. */
function issuerKeys(idp: TestIssuer) {
  const jwk = idp.issuer.keys.get(idp.currentKid)!;
  const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicJwk, publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string };
}

/** Fakes only `Date`, so jose's clock and ours move while sockets and timeouts stay real. */
function fakeDate(): (ms: number) => void {
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate',
      'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
  return (ms) => jest.setSystemTime(Date.now() + ms);
}

/** A provider trusting `issuer`'s JWKS, its `iss`, and AUDIENCE. */
function jwksProvider(issuer: TestIssuer, extra: Partial<JwtProviderBaseOptions> = {}): JwtProvider {
  return new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url, audience: AUDIENCE, ...extra });
}

/** A new issuer for each test in the block, for tests that count its JWKS requests or rotate its keys. */
function freshIssuerPerTest(use: (issuer: TestIssuer) => void): void {
  let current: TestIssuer;
  beforeEach(async () => {
    current = await startOidcIssuer();
    use(current);
  });
  afterEach(() => current.stop());
}

let idp: TestIssuer;
let jwt: JwtProvider;

beforeAll(async () => {
  idp = await startOidcIssuer();
  jwt = jwksProvider(idp);
});
afterAll(async () => {
  await idp.stop();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('a valid token', () => {
  it('becomes an AuthContext with the token’s identity and grants', async () => {
    const token = await idp.mintToken({
      sub: 'alice',
      aud: AUDIENCE,
      scope: 'read write',
      claims: { preferred_username: 'Alice', roles: ['admin', 'editor'], permissions: 'files:read files:write' },
    });
    const result = await jwt.authenticate({ access_token: token });
    expect(result.success).toBe(true);
    const ctx = result.context!;
    expect(ctx.userId).toBe('alice');
    expect(ctx.username).toBe('Alice');
    expect(ctx.provider).toBe('jwt');
    expect([...ctx.scopes]).toEqual(['read', 'write']);
    expect([...ctx.roles]).toEqual(['admin', 'editor']);
    expect([...ctx.permissions]).toEqual(['files:read', 'files:write']);
    expect(ctx.hasPermission('files:read')).toBe(true);
    expect(ctx.claims.iss).toBe(idp.url);
    expect(ctx.expiresAt).toBe(ctx.claims.exp);
  });

  it('reads scopes from a `scope` array and from `scp` (array or string)', async () => {
    const arrayScope = await idp.mintToken({ aud: AUDIENCE, claims: { scope: ['a', 'b'], scp: ['c'] } });
    const stringScp = await idp.mintToken({ aud: AUDIENCE, claims: { scp: 'd e' } });
    expect([...(await jwt.authenticate({ access_token: arrayScope })).context!.scopes]).toEqual(['a', 'b', 'c']);
    expect([...(await jwt.authenticate({ access_token: stringScp })).context!.scopes]).toEqual(['d', 'e']);
  });

  it('follows configured claim names, including a dotted path and a numeric user id', async () => {
    const custom = jwksProvider(idp, {
      scopeClaim: 'permissions_scope',
      rolesClaim: 'realm_access.roles',
      permissionsClaim: 'https://example.com/perms',
      userIdClaim: 'uid',
      usernameClaim: 'email',
    });
    const token = await idp.mintToken({
      aud: AUDIENCE,
      claims: {
        uid: 42,
        name: 'Not used',
        email: 'bob@example.com',
        permissions_scope: 'x',
        realm_access: { roles: ['ops'] },
        'https://example.com/perms': ['deploy:*'],
      },
    });
    const ctx = (await custom.authenticate({ access_token: token })).context!;
    expect(ctx).toMatchObject({ userId: '42', username: 'bob@example.com' });
    expect([...ctx.scopes]).toEqual(['x']);
    expect([...ctx.roles]).toEqual(['ops']);
    expect(ctx.hasPermission('deploy:prod')).toBe(true);
  });

  it('tolerates an `iat` slightly ahead within the clock tolerance', async () => {
    const token = await idp.mintToken({ aud: AUDIENCE, claims: { iat: nowSeconds() + 10 } });
    expect((await jwt.authenticate({ access_token: token })).success).toBe(true);
  });

  it('accepts a token without `exp` only when `requireExp: false`', async () => {
    const token = await idp.mintToken({ aud: AUDIENCE, claims: { exp: undefined } });
    const lenient = jwksProvider(idp, { requireExp: false });
    expect((await lenient.authenticate({ access_token: token })).success).toBe(true);
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
  });
});

describe('refused tokens', () => {
  it('refuses an expired token as token_expired', async () => {
    const token = await idp.mintToken({ aud: AUDIENCE, expiresIn: -120 });
    expectRefused(await jwt.authenticate({ access_token: token }), 'token_expired', token);
  });

  it('refuses a token older than maxTokenAge as token_expired', async () => {
    const strict = jwksProvider(idp, { maxTokenAge: 600 });
    const token = await idp.mintToken({ aud: AUDIENCE, claims: { iat: nowSeconds() - 3600 } });
    expectRefused(await strict.authenticate({ access_token: token }), 'token_expired', token);
  });

  it.each([
    ['not yet valid (nbf)', { nbf: nowSeconds() + 600 }],
    ['issued in the future (iat)', { iat: nowSeconds() + 600 }],
    ['from another issuer', { iss: 'https://evil.example.com' }],
    ['for another audience', { aud: 'https://other.example.com' }],
    ['without an audience', { aud: undefined }],
    ['without exp', { exp: undefined }],
    ['without sub', { sub: undefined }],
  ])('refuses a token %s as invalid_token', async (_what, claims) => {
    const token = await idp.mintToken({ aud: AUDIENCE, claims });
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
  });

  it('refuses alg: none', async () => {
    const encode = (part: object) => base64url.encode(JSON.stringify(part));
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claimsFrom(idp))}.`;
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
  });

  it('refuses a token signed by another key under the issuer’s kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claimsFrom(idp)).setProtectedHeader({ alg: 'RS256', kid: idp.currentKid }).sign(privateKey);
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
  });

  it('refuses HS256 signed with the RSA public key as the HMAC secret (key confusion)', async () => {
    const { publicPem } = issuerKeys(idp);
    const token = await new SignJWT(claimsFrom(idp))
      .setProtectedHeader({ alg: 'HS256', kid: idp.currentKid })
      .sign(new TextEncoder().encode(publicPem));
    const pemProvider = new JwtProvider({ publicKey: publicPem, issuer: idp.url, audience: AUDIENCE });
    expectRefused(await pemProvider.authenticate({ access_token: token }), 'invalid_token', token);
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
  });

  it('enforces the key’s own alg: PS256 made with the RS256 key fails', async () => {
    const { privateKey, publicJwk, publicPem } = issuerKeys(idp);
    const token = await new SignJWT(claimsFrom(idp)).setProtectedHeader({ alg: 'PS256', kid: idp.currentKid }).sign(privateKey);
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
    const jwkProvider = new JwtProvider({ publicKey: { ...publicJwk, alg: 'RS256' }, issuer: idp.url, audience: AUDIENCE });
    expectRefused(await jwkProvider.authenticate({ access_token: token }), 'invalid_token', token);
    const pemProvider = new JwtProvider({ publicKey: publicPem, issuer: idp.url, audience: AUDIENCE });
    expectRefused(await pemProvider.authenticate({ access_token: token }), 'invalid_token', token);
  });

  it('never trusts a key embedded in or pointed at by the header (jwk, jku, x5u, x5c)', async () => {
    const attacker = await generateKeyPair('RS256');
    const attackerJwk = await exportJWK(attacker.publicKey);
    const headers = [
      { jwk: attackerJwk },
      { jku: idp.jwksUri, kid: idp.currentKid },
      { x5u: 'https://evil.example.com/cert.pem', kid: idp.currentKid },
      { x5c: ['MIIB'], kid: idp.currentKid },
    ];
    for (const header of headers) {
      const token = await new SignJWT(claimsFrom(idp)).setProtectedHeader({ alg: 'RS256', ...header }).sign(attacker.privateKey);
      expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
    }
    // Even the issuer's own, correctly signed token is refused when it carries such a header.
    const genuine = await idp.mintToken({ aud: AUDIENCE, header: { jku: idp.jwksUri } });
    expectRefused(await jwt.authenticate({ access_token: genuine }), 'invalid_token', genuine);
  });

  it.each([
    ['empty', ''],
    ['not a JWT', 'not-a-jwt'],
    ['three junk segments', 'aaaaaaaaaa.bbbbbbbbbb.cccccccccc'],
    ['JSON that is not a header', `${base64url.encode('[1,2]')}.${base64url.encode('{}')}.c2ln`],
  ])('refuses garbage (%s)', async (_what, token) => {
    expectRefused(await jwt.authenticate({ access_token: token }), 'invalid_token', token);
  });

  it('refuses a missing or non-string access_token', async () => {
    expect(await jwt.authenticate({})).toMatchObject({ success: false, reason: 'invalid_token' });
    expect(await jwt.authenticate({ access_token: 42 as unknown as string })).toMatchObject({ success: false });
  });

  it('refuses an oversized token before parsing it', async () => {
    const token = await idp.mintToken({ aud: AUDIENCE, claims: { padding: 'x'.repeat(MAX_JWT_LENGTH) } });
    const result = await jwt.authenticate({ access_token: token });
    expectRefused(result, 'invalid_token', token);
    expect(result.error).toMatch(/too large/);
  });
});

describe('configuration', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const pem = rsa.export({ type: 'spki', format: 'pem' }) as string;
  const rsaJwk = rsa.export({ format: 'jwk' });
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;

  it.each<[string, JwtProviderOptions, RegExp]>([
    ['no key source', {} as JwtProviderOptions, /exactly one/],
    ['two key sources', { secret: SECRET, publicKey: pem } as unknown as JwtProviderOptions, /exactly one/],
    ['alg none', { publicKey: pem, algorithms: ['none'] }, /"none"/],
    ['HMAC with a public key', { publicKey: pem, algorithms: ['RS256', 'HS256'] }, /HMAC/],
    ['HMAC with a JWKS', { jwksUri: 'https://idp.example.com/jwks', algorithms: ['HS256'] }, /HMAC/],
    ['an asymmetric algorithm with a secret', { secret: SECRET, algorithms: ['RS256'] }, /RS256 cannot be used/],
    ['a curve mismatch', { publicKey: ecKey, algorithms: ['ES256'] }, /ES256 cannot be used/],
    ['a short secret', { secret: 'short' }, /at least 32 bytes/],
    ['a PEM as the secret', { secret: pem }, /PEM/],
    ['a JWK whose alg is not allowed', { publicKey: { ...rsaJwk, alg: 'RS256' }, algorithms: ['PS256'] }, /PS256 cannot/],
    ['a JWK whose alg does not fit it', { publicKey: { ...rsaJwk, alg: 'ES256' } }, /does not fit/],
    ['a symmetric JWK as publicKey', { publicKey: { kty: 'oct', k: 'c2VjcmV0' } }, /publicKey/],
    ['a non-http jwksUri', { jwksUri: 'file:///etc/jwks.json' }, /http/],
    ['an empty allow-list', { secret: SECRET, algorithms: [] }, /at least one/],
    ['a negative clockTolerance', { secret: SECRET, clockTolerance: -1 }, /clockTolerance/],
  ])('throws at construction for %s', (_what, options, message) => {
    expect(() => new JwtProvider(options)).toThrow(message);
  });

  it('derives the allow-list from the key', async () => {
    const { publicJwk } = issuerKeys(idp);
    expect(new JwtProvider({ publicKey: pem }).algorithms).toEqual(['RS256', 'RS384', 'RS512']);
    expect(new JwtProvider({ publicKey: ecKey }).algorithms).toEqual(['ES384']);
    expect(new JwtProvider({ publicKey: { ...publicJwk, alg: 'PS256' } }).algorithms).toEqual(['PS256']);
    expect(new JwtProvider({ secret: SECRET }).algorithms).toEqual(['HS256']);
    expect(jwt.algorithms).not.toContain('HS256');
  });

  it('describes itself and routes by issuer', () => {
    const described = new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url, scopes: ['read'] }).describe();
    expect(described).toEqual({ name: 'jwt', type: 'jwt', flows: ['jwt'], issuer: idp.url, scopes: ['read'] });
    expect(jwt.acceptsIssuer(idp.url)).toBe(true);
    expect(jwt.acceptsIssuer('https://evil.example.com')).toBe(false);
    expect(new JwtProvider({ secret: SECRET }).acceptsIssuer(idp.url)).toBe(false);
  });
});

describe('secret tokens (createToken)', () => {
  const hs = new JwtProvider({ name: 'internal', secret: SECRET, issuer: 'my-app', audience: AUDIENCE });

  it('signs tokens the provider accepts', async () => {
    const token = await hs.createToken({ scope: 'read', roles: ['admin'] }, { subject: 'svc-1', expiresIn: 60 });
    const result = await hs.authenticate({ access_token: token });
    expect(result.context).toMatchObject({ userId: 'svc-1', provider: 'internal' });
    expect(result.context!.claims).toMatchObject({ iss: 'my-app', aud: AUDIENCE });
    expect(result.context!.expiresAt! - nowSeconds()).toBeLessThanOrEqual(60);
    expect([...result.context!.roles]).toEqual(['admin']);
  });

  it('refuses a token signed with another secret, or already expired', async () => {
    const other = new JwtProvider({ secret: `${SECRET}-other`, issuer: 'my-app', audience: AUDIENCE });
    const forged = await other.createToken({}, { subject: 'svc-1' });
    expectRefused(await hs.authenticate({ access_token: forged }), 'invalid_token', forged);
    const expired = await hs.createToken({}, { subject: 'svc-1', expiresIn: -60 });
    expectRefused(await hs.authenticate({ access_token: expired }), 'token_expired', expired);
  });

  it('cannot sign with a public-key or JWKS provider', async () => {
    await expect(jwt.createToken({ sub: 'x' })).rejects.toThrow(/secret/);
  });
});

describe('JWKS', () => {
  let rotating: TestIssuer;
  freshIssuerPerTest((issuer) => (rotating = issuer));

  it('refetches the key set for an unknown kid (after a rotation)', async () => {
    const provider = jwksProvider(rotating, { jwksCooldownMs: 0 });
    expect((await provider.authenticate({ access_token: await rotating.mintToken({ aud: AUDIENCE }) })).success).toBe(true);
    expect(rotating.requestCount('/jwks')).toBe(1);
    await rotating.rotateKey();
    const rotated = await rotating.mintToken({ aud: AUDIENCE });
    expect((await provider.authenticate({ access_token: rotated })).success).toBe(true);
    expect(rotating.requestCount('/jwks')).toBe(2);
  });

  it('does not refetch within the cooldown, and does after it', async () => {
    const provider = jwksProvider(rotating, { jwksCooldownMs: 30_000 });
    const first = await rotating.mintToken({ aud: AUDIENCE });
    await rotating.rotateKey();
    const rotated = await rotating.mintToken({ aud: AUDIENCE, sub: 'rotated' });
    const advance = fakeDate();
    expect((await provider.authenticate({ access_token: first })).success).toBe(true);
    expect(rotating.requestCount('/jwks')).toBe(1);
    // The first fetch already had both keys; a kid nobody knows shows the cooldown.
    const unknownKid = await rotating.mintToken({ aud: AUDIENCE, header: { kid: 'nobody-has-this-kid' } });
    expectRefused(await provider.authenticate({ access_token: unknownKid }), 'invalid_token', unknownKid);
    expectRefused(await provider.authenticate({ access_token: unknownKid }), 'invalid_token', unknownKid);
    expect(rotating.requestCount('/jwks')).toBe(1);
    advance(31_000);
    expectRefused(await provider.authenticate({ access_token: unknownKid }), 'invalid_token', unknownKid);
    expect(rotating.requestCount('/jwks')).toBe(2);
    expect((await provider.authenticate({ access_token: rotated })).success).toBe(true);
  });

  it('rotation under a cooldown: the new key is picked up once the cooldown has passed', async () => {
    const provider = jwksProvider(rotating, { jwksCooldownMs: 30_000 });
    const advance = fakeDate();
    expect((await provider.authenticate({ access_token: await rotating.mintToken({ aud: AUDIENCE }) })).success).toBe(true);
    await rotating.rotateKey();
    const rotated = await rotating.mintToken({ aud: AUDIENCE });
    expectRefused(await provider.authenticate({ access_token: rotated }), 'invalid_token', rotated);
    expect(rotating.requestCount('/jwks')).toBe(1);
    advance(31_000);
    expect((await provider.authenticate({ access_token: rotated })).success).toBe(true);
    expect(rotating.requestCount('/jwks')).toBe(2);
  });
});

describe('JWKS endpoint unavailable', () => {
  const servers: Array<HttpServer | TcpServer> = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function listen<T extends HttpServer | TcpServer>(server: T): Promise<string> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  }

  async function expectUnavailable(jwksUri: string): Promise<void> {
    const provider = new JwtProvider({ jwksUri, issuer: idp.url, audience: AUDIENCE, timeoutMs: 300 });
    const token = await idp.mintToken({ aud: AUDIENCE });
    const started = Date.now();
    expectRefused(await provider.authenticate({ access_token: token }), 'provider_unavailable', token);
    expect(Date.now() - started).toBeLessThan(5_000);
  }

  it('reports provider_unavailable for a closed port', async () => {
    const probe = createTcpServer();
    const uri = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    servers.splice(servers.indexOf(probe), 1);
    await expectUnavailable(uri);
  });

  it('reports provider_unavailable when the endpoint never answers (timeoutMs)', async () => {
    const silent = createTcpServer((socket) => sockets.push(socket));
    await expectUnavailable(await listen(silent));
  });

  it('reports provider_unavailable for a 500 or a body that is not a key set', async () => {
    await expectUnavailable(await listen(createHttpServer((_req, res) => res.writeHead(500).end())));
    await expectUnavailable(await listen(createHttpServer((_req, res) => res.end('{"keys": "nope"}'))));
  });

  it('still calls garbage invalid_token without contacting the endpoint', async () => {
    const provider = new JwtProvider({ jwksUri: 'http://127.0.0.1:9/jwks', timeoutMs: 300 });
    expect(await provider.authenticate({ access_token: 'garbage' })).toMatchObject({ reason: 'invalid_token' });
  });
});

describe('verified-token cache', () => {
  let counted: TestIssuer;
  freshIssuerPerTest((issuer) => (counted = issuer));
  const providerFor = (extra: Partial<JwtProviderBaseOptions> = {}) => jwksProvider(counted, extra);
  /** jose keeps a key set for 10 minutes; past that, any real verification fetches it again. */
  const JWKS_MAX_AGE_MS = 10 * 60_000;

  it('serves a repeated token without verifying it again', async () => {
    const provider = providerFor();
    const token = await counted.mintToken({ aud: AUDIENCE });
    const other = await counted.mintToken({ aud: AUDIENCE, sub: 'other' });
    const advance = fakeDate();
    expect((await provider.authenticate({ access_token: token })).success).toBe(true);
    expect(counted.requestCount('/jwks')).toBe(1);
    advance(JWKS_MAX_AGE_MS + 1_000);
    const again = await provider.authenticate({ access_token: token });
    expect(again.context!.userId).toBe('user-1');
    expect(counted.requestCount('/jwks')).toBe(1);
    // A token not in the cache is verified, which needs the (now stale) key set again.
    expect((await provider.authenticate({ access_token: other })).success).toBe(true);
    expect(counted.requestCount('/jwks')).toBe(2);
  });

  it('re-verifies every time with cacheSize 0, and evicts beyond cacheSize', async () => {
    const token = await counted.mintToken({ aud: AUDIENCE });
    const other = await counted.mintToken({ aud: AUDIENCE, sub: 'other' });
    const advance = fakeDate();
    const uncached = providerFor({ cacheSize: 0 });
    await uncached.authenticate({ access_token: token });
    advance(JWKS_MAX_AGE_MS + 1_000);
    await uncached.authenticate({ access_token: token });
    expect(counted.requestCount('/jwks')).toBe(2);

    const tiny = providerFor({ cacheSize: 1 });
    await tiny.authenticate({ access_token: token });
    await tiny.authenticate({ access_token: other });
    expect(counted.requestCount('/jwks')).toBe(3);
    advance(JWKS_MAX_AGE_MS + 1_000);
    expect((await tiny.authenticate({ access_token: token })).success).toBe(true);
    expect(counted.requestCount('/jwks')).toBe(4);
  });

  it('never serves a cached token past its exp', async () => {
    const provider = providerFor({ clockTolerance: 0 });
    const token = await counted.mintToken({ aud: AUDIENCE, expiresIn: 60 });
    const advance = fakeDate();
    expect((await provider.authenticate({ access_token: token })).success).toBe(true);
    advance(59_000);
    expect((await provider.authenticate({ access_token: token })).success).toBe(true);
    advance(2_000);
    expectRefused(await provider.authenticate({ access_token: token }), 'token_expired', token);
  });

  it('never serves a cached token past maxTokenAge', async () => {
    const provider = providerFor({ clockTolerance: 0, maxTokenAge: 120 });
    const token = await counted.mintToken({ aud: AUDIENCE });
    const advance = fakeDate();
    expect((await provider.authenticate({ access_token: token })).success).toBe(true);
    advance(121_000);
    expectRefused(await provider.authenticate({ access_token: token }), 'token_expired', token);
  });
});
