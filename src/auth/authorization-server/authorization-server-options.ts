import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { StartupError } from '../../startup-error';
import type { SessionStore } from '../../session/session-store';
import { OAuthProvider } from '../oauth/oauth-provider';
import type { AuthorizationStore } from './authorization-store';
import type { ConsentContext } from './consent-page';
import { isLoopbackHostname, redirectUriProblem } from './redirect-uris';

/** An MCP client registered by the operator rather than through `/register`. */
export interface PreRegisteredClient {
  /** The `client_id` the client sends; unique among the pre-registered clients. */
  clientId: string;
  /** Makes it a confidential client (Basic or post authentication at the token endpoint). */
  clientSecret?: string;
  /** The redirect URIs it may use, matched exactly (a loopback URI's port aside); at least one. */
  redirectUris: string[];
  /** The name the consent page shows [the `clientId`]. */
  clientName?: string;
  /** Skips the consent page (a first-party client you control). */
  trusted?: boolean;
}

/**
 * Options of `mcp.enableAuthorizationServer()`. Defaults in brackets; lifetimes in seconds.
 *
 * @example
 * mcp.enableAuthorizationServer({
 *   upstream: new GitHubOAuthProvider({ clientId, clientSecret, redirectUri: 'https://notes.example.com/oauth/callback' }),
 *   scopesSupported: ['notes:read', 'notes:write'],
 *   signingKey: process.env.AS_SIGNING_JWK,
 *   store: new RedisAuthorizationStore({ url: process.env.REDIS_URL }),
 * });
 */
export interface AuthorizationServerOptions {
  /** The provider users log in with. Its `redirectUri` (on the issuer's origin) is the upstream callback [`/oauth/callback`]. */
  upstream: OAuthProvider;
  /** `https:` (or `http:` on a loopback host), no query, fragment or trailing `/` [origin of the listener's resourceUrl]. */
  issuer?: string;
  /** The MCP resource tokens are bound to (`aud`) [the listener's resourceUrl]. */
  resource?: string;
  /** MCP scopes clients may ask for [every scope the installed policies name]. */
  scopesSupported?: string[];
  /** Granted when a request names none [the auth middleware's `requiredScopes`]. */
  defaultScopes?: string[];
  /** Private key signing access tokens: JWK (JSON string or object), PEM, or KeyObject [generated at start, with a warning]. */
  signingKey?: string | JWK | KeyObject;
  /** `ES256`, `ES384`, `ES512`, `RS256`…`PS512` or `EdDSA` [the key's own `alg`, else ES256 / RS256 / EdDSA by key type]. */
  signingAlg?: string;
  /** Clients, transactions, codes, grants [`AUTHORIZATION_STORE` from DI, else in memory]. */
  store?: AuthorizationStore;
  /** Where the upstream tokens live [the auth middleware's store, else `SESSION_STORE`, else in memory]. */
  sessionStore?: SessionStore;
  /** [3600] */
  accessTokenTtlSeconds?: number;
  /** [2 592 000] */
  refreshTokenTtlSeconds?: number;
  /** [300] */
  codeTtlSeconds?: number;
  /** From `/authorize` to the consent decision, covering an upstream login with 2FA [900]. */
  transactionTtlSeconds?: number;
  /** How long a rotated refresh token still answers with its successor [60]. */
  refreshGraceSeconds?: number;
  /** How long a registered client lives without a token issued to it [7 776 000]. */
  clientTtlSeconds?: number;
  /** RFC 7591 dynamic client registration. */
  registration?: {
    /** [true] */
    enabled?: boolean;
    /** Patterns a registered redirect URI must match; `*` matches within one path segment or port. */
    allowedRedirectUris?: string[];
    /** [10] */
    maxRedirectUris?: number;
  };
  /** Client ID metadata documents (a client id that is an `https:` URL). */
  clientIdMetadataDocuments?: {
    /** [true] */
    enabled?: boolean;
    /** For the whole fetch [5000]. */
    timeoutMs?: number;
    /** [5120] */
    maxBytes?: number;
    /** Cache lifetime when the response has no cache headers [300]; never above 86 400. */
    cacheSeconds?: number;
    /** Tests and local development only: `http:` loopback client ids, fetched from loopback [false]. */
    allowHttpLoopback?: boolean;
  };
  /** Clients registered by the operator. */
  clients?: PreRegisteredClient[];
  /** The page where a user approves a client (any but a `trusted` pre-registered one) before it gets a code. */
  consent?: {
    /** How long an approval is remembered per (user, client, redirect URI) [2 592 000]. */
    rememberSeconds?: number;
    /** Your own page; it must post `fields` and a `decision` of `approve` or `deny` to `action`. */
    render?(ctx: ConsentContext): string;
  };
  /** Endpoint paths, relative to the issuer (the 2025-03-26 defaults). */
  paths?: {
    /** The authorization endpoint [`/authorize`]. */
    authorize?: string;
    /** The token endpoint [`/token`]. */
    token?: string;
    /** The dynamic client registration endpoint [`/register`]. */
    register?: string;
    /** The revocation endpoint (RFC 7009) [`/revoke`]. */
    revoke?: string;
    /** Where the consent page posts the user's decision [`/consent`]. */
    consent?: string;
    /** The public keys that verify its access tokens (`jwks_uri`) [`/.well-known/jwks.json`]. */
    jwks?: string;
  };
}

export type EndpointName = 'authorize' | 'token' | 'register' | 'revoke' | 'consent' | 'jwks';

/** The options with every default that does not depend on the server applied, checked. */
export interface AuthorizationServerSettings {
  upstream: OAuthProvider;
  issuer?: string;
  resource?: string;
  scopesSupported?: readonly string[];
  defaultScopes?: readonly string[];
  signingKey?: string | JWK | KeyObject;
  signingAlg?: string;
  store?: AuthorizationStore;
  sessionStore?: SessionStore;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  codeTtlSeconds: number;
  transactionTtlSeconds: number;
  refreshGraceSeconds: number;
  clientTtlSeconds: number;
  registration: { enabled: boolean; allowedRedirectUris?: readonly string[]; maxRedirectUris: number };
  clientIdMetadataDocuments: { enabled: boolean; timeoutMs: number; maxBytes: number; cacheSeconds: number; allowHttpLoopback: boolean };
  clients: readonly PreRegisteredClient[];
  consent: { rememberSeconds: number; render?(ctx: ConsentContext): string };
  paths: Readonly<Record<EndpointName, string>>;
  /** The path of the upstream callback (from the upstream's `redirectUri`, else `/oauth/callback`). */
  callbackPath: string;
}

/** Longest a metadata document may be cached, whatever its headers say. */
export const MAX_CIMD_CACHE_SECONDS = 86_400;

/**
 * Checks the options and applies the defaults that need no server. A bad option is a
 * `StartupError` naming it.
 */
export function readAuthorizationServerOptions(options: AuthorizationServerOptions): AuthorizationServerSettings {
  if (!options || typeof options !== 'object') throw new StartupError('enableAuthorizationServer() needs an options object');
  const { upstream } = options;
  if (!(upstream instanceof OAuthProvider)) {
    throw new StartupError('enableAuthorizationServer(): options.upstream must be an OAuthProvider (GitHubOAuthProvider, GoogleOAuthProvider, …)');
  }
  if (options.issuer !== undefined) checkIssuer(options.issuer, 'options.issuer');
  if (options.resource !== undefined) checkAbsoluteUrl(options.resource, 'options.resource');
  const scopesSupported = options.scopesSupported && scopeList(options.scopesSupported, 'options.scopesSupported');
  const defaultScopes = options.defaultScopes && scopeList(options.defaultScopes, 'options.defaultScopes');
  if (scopesSupported && defaultScopes) {
    const unknown = defaultScopes.filter((s) => !scopesSupported.includes(s));
    if (unknown.length > 0) fail('options.defaultScopes', `names scopes not in scopesSupported: ${unknown.join(', ')}`);
  }
  if (options.signingAlg !== undefined && typeof options.signingAlg !== 'string') fail('options.signingAlg', 'must be a string');
  if (options.store !== undefined && !isStore(options.store)) fail('options.store', 'must be an AuthorizationStore (set, get, take, delete)');

  const registration = options.registration ?? {};
  const cimd = options.clientIdMetadataDocuments ?? {};
  const consent = options.consent ?? {};
  if (registration.allowedRedirectUris !== undefined && !isStringList(registration.allowedRedirectUris)) {
    fail('options.registration.allowedRedirectUris', 'must be an array of strings');
  }
  if (consent.render !== undefined && typeof consent.render !== 'function') fail('options.consent.render', 'must be a function');

  return {
    upstream,
    issuer: options.issuer,
    resource: options.resource,
    scopesSupported,
    defaultScopes,
    signingKey: options.signingKey,
    signingAlg: options.signingAlg,
    store: options.store,
    sessionStore: options.sessionStore,
    accessTokenTtlSeconds: seconds(options.accessTokenTtlSeconds, 3600, 'options.accessTokenTtlSeconds'),
    refreshTokenTtlSeconds: seconds(options.refreshTokenTtlSeconds, 2_592_000, 'options.refreshTokenTtlSeconds'),
    codeTtlSeconds: seconds(options.codeTtlSeconds, 300, 'options.codeTtlSeconds'),
    transactionTtlSeconds: seconds(options.transactionTtlSeconds, 900, 'options.transactionTtlSeconds'),
    refreshGraceSeconds: seconds(options.refreshGraceSeconds, 60, 'options.refreshGraceSeconds'),
    clientTtlSeconds: seconds(options.clientTtlSeconds, 7_776_000, 'options.clientTtlSeconds'),
    registration: {
      enabled: flag(registration.enabled, true, 'options.registration.enabled'),
      allowedRedirectUris: registration.allowedRedirectUris && [...registration.allowedRedirectUris],
      maxRedirectUris: seconds(registration.maxRedirectUris, 10, 'options.registration.maxRedirectUris'),
    },
    clientIdMetadataDocuments: {
      enabled: flag(cimd.enabled, true, 'options.clientIdMetadataDocuments.enabled'),
      timeoutMs: seconds(cimd.timeoutMs, 5000, 'options.clientIdMetadataDocuments.timeoutMs'),
      maxBytes: seconds(cimd.maxBytes, 5120, 'options.clientIdMetadataDocuments.maxBytes'),
      cacheSeconds: cacheSeconds(cimd.cacheSeconds),
      allowHttpLoopback: flag(cimd.allowHttpLoopback, false, 'options.clientIdMetadataDocuments.allowHttpLoopback'),
    },
    clients: preRegisteredClients(options.clients),
    consent: { rememberSeconds: nonNegative(consent.rememberSeconds, 2_592_000, 'options.consent.rememberSeconds'), render: consent.render },
    paths: endpointPaths(options.paths),
    callbackPath: callbackPathOf(upstream),
  };
}

/** `https:` (or `http:` on loopback), no query, fragment, credentials or trailing `/`. */
export function checkIssuer(issuer: unknown, name: string): void {
  const url = checkAbsoluteUrl(issuer, name);
  const value = issuer as string;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHostname(url.hostname))) {
    fail(name, 'must be an https: URL (http: only on 127.0.0.1, [::1] or localhost)');
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) fail(name, 'must have no query or fragment');
  if (url.username !== '' || url.password !== '') fail(name, 'must not carry credentials');
  if (value.endsWith('/')) fail(name, 'must not end with "/"');
}

function checkAbsoluteUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string') fail(name, 'must be an absolute URL string');
  try {
    return new URL(value as string);
  } catch {
    return fail(name, 'must be an absolute URL');
  }
}

function callbackPathOf(upstream: OAuthProvider): string {
  if (upstream.redirectUri === undefined) return '/oauth/callback';
  try {
    return new URL(upstream.redirectUri).pathname;
  } catch {
    return fail('options.upstream.redirectUri', 'must be an absolute URL on the issuer’s origin');
  }
}

function preRegisteredClients(clients: PreRegisteredClient[] | undefined): PreRegisteredClient[] {
  if (clients === undefined) return [];
  if (!Array.isArray(clients)) fail('options.clients', 'must be an array');
  const ids = new Set<string>();
  return clients.map((client, i) => {
    const name = `options.clients[${i}]`;
    if (typeof client?.clientId !== 'string' || client.clientId === '') fail(`${name}.clientId`, 'must be a non-empty string');
    if (ids.has(client.clientId)) fail(`${name}.clientId`, `repeats "${client.clientId}"`);
    ids.add(client.clientId);
    if (client.clientSecret !== undefined && (typeof client.clientSecret !== 'string' || client.clientSecret.length < 16)) {
      fail(`${name}.clientSecret`, 'must be a string of at least 16 characters');
    }
    if (!Array.isArray(client.redirectUris) || client.redirectUris.length === 0) fail(`${name}.redirectUris`, 'must be a non-empty array');
    client.redirectUris.forEach((uri, j) => {
      const problem = redirectUriProblem(uri);
      if (problem) fail(`${name}.redirectUris[${j}]`, problem);
    });
    return { ...client, redirectUris: [...client.redirectUris] };
  });
}

function endpointPaths(paths: AuthorizationServerOptions['paths'] = {}): Record<EndpointName, string> {
  const resolved: Record<EndpointName, string> = {
    authorize: paths.authorize ?? '/authorize',
    token: paths.token ?? '/token',
    register: paths.register ?? '/register',
    revoke: paths.revoke ?? '/revoke',
    consent: paths.consent ?? '/consent',
    jwks: paths.jwks ?? '/.well-known/jwks.json',
  };
  const seen = new Set<string>();
  for (const [name, path] of Object.entries(resolved)) {
    if (typeof path !== 'string' || !/^\/[A-Za-z0-9\-._~/]*$/.test(path)) fail(`options.paths.${name}`, 'must be a path starting with "/"');
    if (seen.has(path)) fail(`options.paths.${name}`, `repeats the path ${path}`);
    seen.add(path);
  }
  return resolved;
}

function scopeList(value: unknown, name: string): string[] {
  if (!isStringList(value) || value.some((s) => s === '' || /[\s"\\]/.test(s))) {
    fail(name, 'must be an array of scope names (no spaces or quotes)');
  }
  return [...new Set(value as string[])];
}

function seconds(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(name, 'must be a positive integer');
  return value as number;
}

function nonNegative(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(name, 'must be an integer ≥ 0');
  return value as number;
}

function cacheSeconds(value: unknown): number {
  const result = nonNegative(value, 300, 'options.clientIdMetadataDocuments.cacheSeconds');
  if (result > MAX_CIMD_CACHE_SECONDS) fail('options.clientIdMetadataDocuments.cacheSeconds', `must be at most ${MAX_CIMD_CACHE_SECONDS}`);
  return result;
}

function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, 'must be true or false');
  return value as boolean;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isStore(value: unknown): value is AuthorizationStore {
  const store = value as Partial<AuthorizationStore>;
  return ['set', 'get', 'take', 'delete'].every((m) => typeof store?.[m as keyof AuthorizationStore] === 'function');
}

function fail(name: string, problem: string): never {
  throw new StartupError(`enableAuthorizationServer(): ${name} ${problem}`);
}
