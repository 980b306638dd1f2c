import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createAuthMiddleware, NextMCP, type AuthMiddlewareOptions, type OAuthProvider, type ToolContext } from '../../src';
import type { AuthorizationServer } from '../../src/auth/authorization-server/authorization-server';
import type { AuthorizationServerOptions } from '../../src/auth/authorization-server/authorization-server-options';

/** What `whoami` reports: the caller as a tool sees it. */
export interface Whoami {
  provider: string;
  userId: string;
  username?: string;
  scopes: string[];
  clientId: unknown;
  upstreamToken?: string;
}

export interface NotesServer {
  mcp: NextMCP;
  authServer: AuthorizationServer;
  url: URL;
  origin: string;
  close(): Promise<void>;
}

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
    clientId: ctx.auth!.claims.client_id,
    upstreamToken: ctx.session?.accessToken,
  }));
  const authServer = mcp.enableAuthorizationServer({ upstream, scopesSupported: ['notes:read', 'notes:write'], ...options });
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
