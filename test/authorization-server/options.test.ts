import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import {
  AUTHORIZATION_STORE,
  createAuthMiddleware,
  GitHubOAuthProvider,
  GoogleOAuthProvider,
  JwtProvider,
  MemorySessionStore,
  NextMCP,
  requiresScope,
  StartupError,
} from '../../src';
import type { AuthorizationServerOptions } from '../../src/auth/authorization-server/authorization-server-options';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { RecordingStore } from '../support/recording-store';
import { endpoint, obtainTokens, registeredClient, startNotesServer, TEST_SIGNING_KEY } from '../support/authorization-server';

/*
 * DESIGN §7 options: defaults, and a StartupError naming each bad option; enable before listen()
 * only and never on another login's callback path; the issuer and resource from the listener.
 */

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] });
});
afterAll(() => gh.stop());

function github(redirectUri?: string): GitHubOAuthProvider {
  return new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, redirectUri });
}

function enable(options: Partial<AuthorizationServerOptions>): () => unknown {
  return () => new NextMCP({ name: 'x', version: '1' }).enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY, ...options } as AuthorizationServerOptions);
}

describe('a bad option is a StartupError naming it', () => {
  const ecPublicPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  it.each([
    ['options.upstream', { upstream: new JwtProvider({ secret: 'x'.repeat(32), issuer: 'i' }) }],
    ['options.issuer', { issuer: 'http://notes.example.com' }],
    ['options.issuer', { issuer: 'https://notes.example.com/' }],
    ['options.issuer', { issuer: 'https://notes.example.com?x=1' }],
    ['options.issuer', { issuer: 'not a url' }],
    ['options.resource', { resource: 'relative/mcp' }],
    ['options.scopesSupported', { scopesSupported: ['notes read'] }],
    ['options.defaultScopes', { scopesSupported: ['notes:read'], defaultScopes: ['notes:write'] }],
    ['options.accessTokenTtlSeconds', { accessTokenTtlSeconds: 0 }],
    ['options.refreshGraceSeconds', { refreshGraceSeconds: 1.5 }],
    ['options.codeTtlSeconds', { codeTtlSeconds: '300' }],
    ['options.registration.maxRedirectUris', { registration: { maxRedirectUris: 0 } }],
    ['options.registration.allowedRedirectUris', { registration: { allowedRedirectUris: 'https://x' } }],
    ['options.clientIdMetadataDocuments.cacheSeconds', { clientIdMetadataDocuments: { cacheSeconds: 86_401 } }],
    ['options.clientIdMetadataDocuments.allowHttpLoopback', { clientIdMetadataDocuments: { allowHttpLoopback: 'yes' } }],
    ['options.clients[0].redirectUris[0]', { clients: [{ clientId: 'c', redirectUris: ['javascript:alert(1)'] }] }],
    ['options.clients[1].clientId', { clients: [{ clientId: 'c', redirectUris: ['https://a/cb'] }, { clientId: 'c', redirectUris: ['https://a/cb'] }] }],
    ['options.clients[0].clientSecret', { clients: [{ clientId: 'c', clientSecret: 'short', redirectUris: ['https://a/cb'] }] }],
    ['options.consent.render', { consent: { render: '<html>' } }],
    ['options.paths.token', { paths: { token: '/authorize' } }],
    ['options.paths.jwks', { paths: { jwks: 'jwks.json' } }],
    ['options.store', { store: {} }],
    ['options.signingAlg', { signingAlg: 'HS256' }],
    ['options.signingAlg', { signingAlg: 'RS256' }],
    ['options.signingKey', { signingKey: ecPublicPem }],
    ['options.signingKey', { signingKey: { kty: 'oct', k: 'c2VjcmV0' } }],
    ['options.signingKey', { signingKey: 'not a key' }],
    ['options.signingKey', { signingKey: '{"kty":"EC"' }],
  ])('%s', (name, options) => {
    expect(enable(options as Partial<AuthorizationServerOptions>)).toThrow(StartupError);
    expect(enable(options as Partial<AuthorizationServerOptions>)).toThrow(name);
  });

  it('never quotes the key in the error', () => {
    const jwk = JSON.parse(TEST_SIGNING_KEY) as Record<string, string>;
    const error = (() => {
      try {
        enable({ signingKey: { ...jwk, crv: 'P-999' } })();
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/options\.signingKey/);
    expect(error?.message).not.toContain(jwk.d);
  });
});

describe('when it can be enabled', () => {
  it('only before listen()', async () => {
    const mcp = new NextMCP({ name: 'x', version: '1' });
    const listener = await mcp.listen({ transport: 'http', port: 0 });
    try {
      expect(() => mcp.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY })).toThrow(StartupError);
    } finally {
      await listener.close();
    }
  });

  it('never on the callback path of enableOAuthLogin(), in either order', () => {
    const first = new NextMCP({ name: 'x', version: '1' });
    first.enableOAuthLogin({ providers: [github('http://127.0.0.1:1/oauth/callback')], sessionStore: new MemorySessionStore() });
    expect(() => first.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY })).toThrow(/callback path \/oauth\/callback/);

    const second = new NextMCP({ name: 'x', version: '1' });
    second.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY });
    expect(() => second.enableOAuthLogin({ providers: [github('http://127.0.0.1:1/oauth/callback')] })).toThrow(StartupError);

    const apart = new NextMCP({ name: 'x', version: '1' });
    apart.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY });
    const google = new GoogleOAuthProvider({ clientId: 'g', clientSecret: 's', redirectUri: 'http://127.0.0.1:1/login/callback' });
    expect(() => apart.enableOAuthLogin({ providers: [google], callbackPath: '/login/callback' })).not.toThrow();
  });
});

describe('issuer and resource', () => {
  it('default to the origin of the listener’s resourceUrl and the resourceUrl itself', async () => {
    const mcp = new NextMCP({ name: 'x', version: '1' });
    const authServer = mcp.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY });
    mcp.use(createAuthMiddleware({ provider: authServer }));
    expect(authServer.issuer).toBeUndefined();
    const listener = await mcp.listen({ transport: 'http', port: 0, resourceUrl: 'https://notes.example.com/mcp' });
    try {
      expect(authServer.issuer).toBe('https://notes.example.com');
      expect(authServer.audience).toBe('https://notes.example.com/mcp');
      expect(authServer.describe()).toMatchObject({ name: 'github', type: 'oauth2', issuer: 'https://notes.example.com', tokenUrl: 'https://notes.example.com/token' });
      expect(authServer.acceptsIssuer('https://notes.example.com')).toBe(true);
      const metadata = (await (await fetch(`${listener.url!.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
      expect(metadata.authorization_endpoint).toBe('https://notes.example.com/authorize');
    } finally {
      await mcp.close();
    }
  });

  it('an issuer the listener cannot be (http: on a public host) fails listen() with a StartupError', async () => {
    const mcp = new NextMCP({ name: 'x', version: '1' });
    mcp.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY });
    await expect(mcp.listen({ transport: 'http', port: 0, resourceUrl: 'http://notes.example.com/mcp' })).rejects.toThrow(/issuer/);
    await mcp.close();
  });

  it('an upstream redirectUri on another origin than the issuer fails listen()', async () => {
    const mcp = new NextMCP({ name: 'x', version: '1' });
    mcp.enableAuthorizationServer({ upstream: github('https://elsewhere.example/oauth/callback'), signingKey: TEST_SIGNING_KEY });
    await expect(mcp.listen({ transport: 'http', port: 0 })).rejects.toThrow(/options\.upstream\.redirectUri/);
    await mcp.close();
  });
});

describe('signing keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  it.each([
    ['a JWK string', TEST_SIGNING_KEY, 'ES256'],
    ['a JWK object with its own kid', { ...JSON.parse(TEST_SIGNING_KEY), kid: 'key-2026' }, 'ES256'],
    ['a PEM', rsa.export({ type: 'pkcs8', format: 'pem' }) as string, 'RS256'],
    ['a KeyObject', ed, 'EdDSA'],
  ])('%s signs tokens with its algorithm, published at jwks_uri', async (_case, signingKey, alg) => {
    const server = await startNotesServer(github(), { signingKey });
    try {
      const tokens = await obtainTokens(server, await registeredClient(server));
      const header = decodeProtectedHeader(tokens.access_token);
      const jwks = (await (await fetch(endpoint(server, '/.well-known/jwks.json'))).json()) as { keys: { kid: string; alg: string }[] };
      expect(header).toMatchObject({ alg, typ: 'at+jwt', kid: jwks.keys[0].kid });
      expect(jwks.keys[0].alg).toBe(alg);
      if (typeof signingKey === 'object' && 'kid' in signingKey) expect(header.kid).toBe('key-2026');
    } finally {
      await server.close();
    }
  });

  it('without a key, generates one (ES256) and warns', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new NextMCP({ name: 'x', version: '1' }).enableAuthorizationServer({ upstream: github() });
      expect(warn.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/no signingKey configured.*not accepted by other replicas/);
    } finally {
      warn.mockRestore();
    }
  });

  it('allowHttpLoopback warns at start', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      enable({ clientIdMetadataDocuments: { allowHttpLoopback: true } })();
      expect(warn.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/allowHttpLoopback.*tests and local development only/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('defaults that come from the server', () => {
  it('store from AUTHORIZATION_STORE, session store from the middleware, default scopes from its requiredScopes, supported scopes from the policies', async () => {
    const store = new RecordingStore();
    const sessions = new MemorySessionStore();
    const mcp = new NextMCP({ name: 'x', version: '1' });
    mcp.container.register(AUTHORIZATION_STORE, { useValue: store });
    mcp.tool('write', {}, requiresScope('notes:write')(async () => 'ok'));
    const authServer = mcp.enableAuthorizationServer({ upstream: github(), signingKey: TEST_SIGNING_KEY });
    mcp.use(createAuthMiddleware({ provider: authServer, sessionStore: sessions, requiredScopes: ['notes:read'] }));
    const listener = await mcp.listen({ transport: 'http', port: 0 });
    const server = { mcp, authServer, url: listener.url!, origin: listener.url!.origin, close: () => mcp.close() };
    try {
      const metadata = (await (await fetch(endpoint(server, '/.well-known/oauth-authorization-server'))).json()) as { scopes_supported: string[] };
      expect(metadata.scopes_supported.sort()).toEqual(['notes:read', 'notes:write']);
      const tokens = await obtainTokens(server, await registeredClient(server), { scope: undefined });
      expect(tokens.scope).toBe('notes:read');
      expect(store.changes.some((change) => change.startsWith('set grant:'))).toBe(true);
      expect(await sessions.load('4242', 'github')).not.toBeNull();
    } finally {
      await mcp.close();
    }
  });
});
