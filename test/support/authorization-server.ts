import 'reflect-metadata';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createAuthMiddleware, NextMCP, type AuthMiddlewareOptions, type OAuthProvider, type ToolContext } from '../../src';
import { hashToken } from '../../src/auth/token-hash';
import type { AuthorizationServer } from '../../src/auth/authorization-server/authorization-server';
import type { AuthorizationServerOptions } from '../../src/auth/authorization-server/authorization-server-options';

/** What `whoami` reports: the caller as a tool sees it. */
export interface Whoami {
  provider: string;
  userId: string;
  username?: string;
  scopes: string[];
  roles: string[];
  clientId: unknown;
  /** SHA-256 of `ctx.session.accessToken`: the tool proves it holds the upstream token without echoing it. */
  upstreamTokenHash?: string;
}

export interface NotesServer {
  mcp: NextMCP;
  authServer: AuthorizationServer;
  url: URL;
  origin: string;
  close(): Promise<void>;
}

/** One P-256 key for the tests of a process (a server without a key logs a warning). */
export const TEST_SIGNING_KEY = JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));

/** A NextMCP server whose HTTP listener is an authorization server in front of `upstream`. */
export async function startNotesServer(
  upstream: OAuthProvider,
  options: Partial<AuthorizationServerOptions> = {},
  middleware: Partial<AuthMiddlewareOptions> = {},
): Promise<NotesServer> {
  const mcp = new NextMCP({ name: 'notes', version: '1' });
  mcp.tool('whoami', { description: 'The caller as a tool sees it' }, async (_args: unknown, ctx: ToolContext) => ({
    provider: ctx.auth!.provider,
    userId: ctx.auth!.userId,
    username: ctx.auth!.username,
    scopes: [...ctx.auth!.scopes].sort(),
    roles: [...ctx.auth!.roles].sort(),
    clientId: ctx.auth!.claims.client_id,
    upstreamTokenHash: ctx.session && hashToken(ctx.session.accessToken),
  }));
  const authServer = mcp.enableAuthorizationServer({ upstream, scopesSupported: ['notes:read', 'notes:write'], signingKey: TEST_SIGNING_KEY, ...options });
  mcp.use(createAuthMiddleware({ provider: authServer, requiredScopes: ['notes:read'], ...middleware }));
  const listener = await mcp.listen({ transport: 'http', port: 0 });
  return { mcp, authServer, url: listener.url!, origin: listener.url!.origin, close: () => mcp.close() };
}

/** The parts of an HTML form: where it posts and its hidden inputs. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

export function formOf(page: string): PageForm | undefined {
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!action) return undefined;
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]] = unescape(match[2]);
  return { action: unescape(action), fields };
}

function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** One HTTP answer as the test browser saw it. */
export interface Hop {
  url: string;
  status: number;
  location?: string;
  body: string;
  headers: Headers;
}

/**
 * A browser without a window: follows redirects by hand (`redirect: 'manual'`), keeps the
 * `nextmcp_as` cookie, shows the consent page and submits its form, and stops at `stopAt` (the
 * client's redirect URI). Every hop is kept, for assertions on what the browser saw.
 */
export class TestBrowser {
  readonly hops: Hop[] = [];
  cookie?: string;
  /** Called before each request (a test may route it, e.g. to another replica). */
  beforeHop?: (url: URL) => void;

  constructor(readonly stopAt: string) {}

  /** Follows redirects from `url` until the client's redirect URI, a page, or an error status. */
  async open(url: string, init: RequestInit = {}): Promise<Hop> {
    let next: { url: string; init: RequestInit } | undefined = { url, init };
    let hop: Hop | undefined;
    while (next) {
      hop = await this.fetch(next.url, next.init);
      if (hop.location === undefined || hop.location.startsWith(this.stopAt)) break;
      next = { url: new URL(hop.location, hop.url).href, init: {} };
    }
    return hop!;
  }

  /** Opens the authorization URL and answers the consent page (if shown) with `decision`. */
  async authorize(url: string, decision: 'approve' | 'deny' = 'approve'): Promise<URL> {
    let hop = await this.open(url);
    const form = formOf(hop.body);
    if (hop.status === 200 && form) hop = await this.submit(form, decision);
    if (!hop.location?.startsWith(this.stopAt)) throw new Error(`authorization ended at ${hop.url} with HTTP ${hop.status}: ${hop.body.slice(0, 300)}`);
    return new URL(hop.location);
  }

  submit(form: PageForm, decision: string, cookie = this.cookie): Promise<Hop> {
    return this.open(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
      body: new URLSearchParams({ ...form.fields, decision }).toString(),
    });
  }

  private async fetch(url: string, init: RequestInit): Promise<Hop> {
    this.beforeHop?.(new URL(url));
    const headers = new Headers(init.headers);
    if (this.cookie && !headers.has('cookie')) headers.set('cookie', this.cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie?.startsWith('nextmcp_as=')) this.cookie = setCookie.split(';')[0];
    const hop: Hop = { url, status: response.status, location: response.headers.get('location') ?? undefined, body: await response.text(), headers: response.headers };
    this.hops.push(hop);
    return hop;
  }
}

export const CLIENT_REDIRECT = 'http://127.0.0.1:9/callback';

/**
 * An in-memory `OAuthClientProvider` for the SDK's own auth flow: it registers (or uses a client id
 * metadata document URL), and its `redirectToAuthorization` drives a `TestBrowser` through our
 * authorize endpoint, the upstream and the consent page, keeping the code for `finishAuth`.
 */
export class InMemoryOAuthClient implements OAuthClientProvider {
  readonly browser: TestBrowser;
  code?: string;
  /** The last authorization answer (code or error, state, iss). */
  answer?: URL;
  private information?: OAuthClientInformationMixed;
  private stored?: OAuthTokens;
  private verifier?: string;

  constructor(
    private readonly options: { clientName?: string; clientId?: string; decision?: 'approve' | 'deny'; scope?: string; authMethod?: string } = {},
  ) {
    this.browser = new TestBrowser(CLIENT_REDIRECT);
    if (options.clientId) this.information = { client_id: options.clientId };
  }

  get redirectUrl(): string {
    return CLIENT_REDIRECT;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName ?? 'Test MCP client',
      redirect_uris: [CLIENT_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.options.authMethod ?? 'none',
      ...(this.options.scope && { scope: this.options.scope }),
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.stored = tokens;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.answer = await this.browser.authorize(url.href, this.options.decision ?? 'approve');
    this.code = this.answer.searchParams.get('code') ?? undefined;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

/**
 * The whole MCP authorization flow with the unmodified SDK client: a 401, discovery, registration,
 * the browser round trip, `finishAuth(code)`, then a connected client.
 */
export async function connectWithLogin(url: URL, provider: InMemoryOAuthClient): Promise<Client> {
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
  const client = new Client({ name: 'as-test', version: '1' });
  const refused = await client.connect(first).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(refused instanceof UnauthorizedError)) throw new Error(`expected the first connect to need authorization, got ${String(refused)}`);
  if (!provider.code) throw new Error(`no code came back: ${provider.answer?.href}`);
  await first.finishAuth(provider.code);
  await first.close();
  const connected = new Client({ name: 'as-test', version: '1' });
  await connected.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return connected;
}

export async function whoami(client: Client): Promise<Whoami> {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  if (result.isError) throw new Error(`whoami failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as unknown as Whoami;
}

/** A PKCE pair as a client makes it. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The server's endpoints (its issuer is the listener's origin). */
export function endpoint(server: NotesServer, path: string): string {
  return `${server.origin}${path}`;
}

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  text: string;
}

async function jsonAnswer(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (an empty 200 from /revoke)
  }
  return { status: response.status, body, headers: response.headers, text };
}

/** `POST /register` with `metadata` (a public client with our redirect URI by default). */
export async function register(server: NotesServer, metadata: Record<string, unknown> = {}): Promise<JsonAnswer> {
  const response = await fetch(endpoint(server, '/register'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: 'Test client', ...metadata }),
  });
  return jsonAnswer(response);
}

/** A registered public client's id. */
export async function registeredClient(server: NotesServer, metadata: Record<string, unknown> = {}): Promise<string> {
  const answer = await register(server, metadata);
  if (answer.status !== 201) throw new Error(`registration failed: ${answer.text}`);
  return answer.body.client_id as string;
}

/** An authorization URL; a parameter given as `undefined` is left out. */
export function authorizeUrl(server: NotesServer, params: Record<string, string | undefined>): string {
  const url = new URL(endpoint(server, '/authorize'));
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    redirect_uri: CLIENT_REDIRECT,
    code_challenge_method: 'S256',
    state: 'client-state',
    resource: server.url.href,
    scope: 'notes:read',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** A code for `clientId` through the browser flow (consent approved), with the verifier that redeems it. */
export async function obtainCode(
  server: NotesServer,
  clientId: string,
  params: Record<string, string | undefined> = {},
  browser = new TestBrowser(CLIENT_REDIRECT),
): Promise<{ code: string; verifier: string; answer: URL; browser: TestBrowser }> {
  const { verifier, challenge } = pkce();
  const answer = await browser.authorize(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, ...params }));
  const code = answer.searchParams.get('code');
  if (!code) throw new Error(`no code: ${answer.href}`);
  return { code, verifier, answer, browser };
}

/** `POST /token` with a form. */
export async function postToken(server: NotesServer, form: Record<string, string>, headers: Record<string, string> = {}, path = '/token'): Promise<JsonAnswer> {
  const response = await fetch(endpoint(server, path), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return jsonAnswer(response);
}

/** Redeems a code as a public client. */
export function redeem(server: NotesServer, clientId: string, code: string, verifier: string, extra: Record<string, string> = {}): Promise<JsonAnswer> {
  return postToken(server, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CLIENT_REDIRECT, resource: server.url.href, ...extra });
}

export function refresh(server: NotesServer, clientId: string, refreshToken: string, extra: Record<string, string> = {}): Promise<JsonAnswer> {
  return postToken(server, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, ...extra });
}

/** A fresh pair of tokens for `clientId` (the whole browser flow, then the code redeemed). */
export async function obtainTokens(server: NotesServer, clientId: string, params: Record<string, string | undefined> = {}): Promise<{ access_token: string; refresh_token: string; scope: string }> {
  const { code, verifier } = await obtainCode(server, clientId, params);
  const answer = await redeem(server, clientId, code, verifier);
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.text}`);
  return answer.body as { access_token: string; refresh_token: string; scope: string };
}

/** The HTTP status of an MCP `initialize` carrying `token`, and the challenge if refused. */
export async function mcpStatus(server: NotesServer, token: string): Promise<{ status: number; challenge: string | null; body: string }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
  });
  const body = await response.text();
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body };
}

/** `whoami` over HTTP with a bearer token, through the SDK client. */
export async function whoamiWith(server: NotesServer, token: string): Promise<Whoami> {
  const client = new Client({ name: 'as-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(server.url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    return await whoami(client);
  } finally {
    await client.close();
  }
}
