import type { IncomingMessage } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JwtProvider } from '../../src';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';
import { SCOPES, WRITE_NOTE_SCOPES, readResponse, startProtectedServer, type ProtectedServer, type RawResponse } from './http-fixtures';

/** What reached the issuer's token endpoint, and what it issued. */
interface TokenExchange {
  clientId: string;
  grantType: string;
  scope?: string;
  resource?: string;
  granted: string[];
  accessToken?: string;
}

let idp: TestIssuer;
let server: ProtectedServer;
/** Scopes the authorization server lets each client have (what an admin granted it). */
const entitlements = new Map<string, string[]>();
const exchanges: TokenExchange[] = [];

type TokenRequest = IncomingMessage & { body: Record<string, string | undefined> };

/** The client id of a token request: HTTP Basic (client_secret_basic) or the `client_id` parameter. */
function clientIdOf(req: TokenRequest): string {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) return decodeURIComponent(Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0]);
  return req.body.client_id ?? 'unknown';
}

beforeAll(async () => {
  idp = await startOidcIssuer();
  // Like a real authorization server: a client gets the scopes it asked for that it is entitled
  // to, as `sub` it is itself, and the token's `aud` is the RFC 8707 `resource` it named.
  idp.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }, req: TokenRequest) => {
    const clientId = clientIdOf(req);
    const requested = (req.body.scope ?? '').split(' ').filter(Boolean);
    const granted = requested.filter((s) => (entitlements.get(clientId) ?? []).includes(s));
    token.payload.sub = clientId;
    token.payload.scope = granted.join(' ');
    if (req.body.resource !== undefined) token.payload.aud = req.body.resource;
    else delete token.payload.aud;
    exchanges.push({ clientId, grantType: String(req.body.grant_type), scope: req.body.scope, resource: req.body.resource, granted });
  });
  idp.service.on('beforeResponse', (response: { body: Record<string, unknown> }) => {
    const exchange = exchanges[exchanges.length - 1];
    exchange.accessToken = String(response.body.access_token);
    response.body.scope = exchange.granted.join(' ');
  });
  server = await startProtectedServer({ provider: new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url }) });
});
afterAll(async () => {
  await server.close();
  await idp.stop();
});
beforeEach(() => {
  exchanges.length = 0;
});

/**
 * The SDK client with its client_credentials provider, and every response the MCP server sent it
 * (POST and discovery), kept as raw text.
 */
async function connectAgent(clientId: string, scope: string) {
  const seen: Promise<RawResponse | undefined>[] = [];
  const recordingFetch: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    // Not the long-lived GET event stream: its text would only end when the session does.
    const isEventStream = init?.method === 'GET' && String(url) === server.url.href;
    if (new URL(String(url)).origin === server.url.origin && !isEventStream) {
      seen.push(readResponse(response.clone()).catch(() => undefined));
    }
    return response;
  };
  const authProvider = new ClientCredentialsProvider({ clientId, clientSecret: `${clientId}-secret`, expectedIssuer: idp.url, scope });
  const transport = new StreamableHTTPClientTransport(server.url, { authProvider, fetch: recordingFetch });
  const client = new Client({ name: clientId, version: '1' });
  await client.connect(transport);
  return {
    client,
    authProvider,
    /** Everything the MCP server answered so far. */
    responses: async () => (await Promise.all(seen)).filter((r): r is RawResponse => r !== undefined),
    close: () => client.close(),
  };
}

function expectNoIssuedTokenIn(responses: RawResponse[]): void {
  expect(responses.length).toBeGreaterThan(0);
  const issued = exchanges.map((e) => e.accessToken!).filter(Boolean);
  expect(issued.length).toBeGreaterThan(0);
  for (const response of responses) {
    const everything = `${[...response.headers.entries()].map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${response.text}`;
    for (const token of issued) {
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.split('.')[2]);
    }
  }
}

describe('the SDK client against a protected NextMCP server', () => {
  it('discovers the authorization server from a 401, gets a client_credentials token for this resource, and calls', async () => {
    entitlements.set('notes-agent', [SCOPES.middleware]);
    const agent = await connectAgent('notes-agent', SCOPES.middleware);
    try {
      // initialize was refused (401), discovery ran, a token was fetched, initialize retried.
      expect(idp.requestCount('/.well-known/openid-configuration')).toBeGreaterThanOrEqual(1);
      expect(exchanges).toEqual([
        expect.objectContaining({ clientId: 'notes-agent', grantType: 'client_credentials', scope: SCOPES.middleware, resource: server.url.href }),
      ]);
      const result = await agent.client.callTool({ name: 'whoami', arguments: {} });
      expect(result.structuredContent).toEqual({ user: 'notes-agent', provider: 'jwt', scopes: [SCOPES.middleware] });
      expect(exchanges).toHaveLength(1); // the token is reused
      const tokens = agent.authProvider.tokens();
      expect(tokens?.access_token).toBe(exchanges[0].accessToken);

      const responses = await agent.responses();
      expect(responses.map((r) => r.status)).toEqual(expect.arrayContaining([401, 200]));
      const metadata = responses.find((r) => r.text.includes('"authorization_servers"'));
      expect(metadata?.json).toMatchObject({ resource: server.url.href, authorization_servers: [idp.url] });
      expectNoIssuedTokenIn(responses);
    } finally {
      await agent.close();
    }
  });

  it('steps up on 403 insufficient_scope: fetches a new token and retries the call', async () => {
    const requested = WRITE_NOTE_SCOPES.join(' ');
    entitlements.set('notes-writer', [SCOPES.middleware]);
    const agent = await connectAgent('notes-writer', requested);
    try {
      expect(exchanges.map((e) => e.granted)).toEqual([[SCOPES.middleware]]);
      // The administrator grants the client what write_note needs; its current token lacks it.
      entitlements.set('notes-writer', [...WRITE_NOTE_SCOPES]);
      const result = await agent.client.callTool({ name: 'write_note', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'written' }]);

      expect(exchanges).toHaveLength(2);
      expect(exchanges[1]).toMatchObject({ clientId: 'notes-writer', resource: server.url.href, scope: requested, granted: WRITE_NOTE_SCOPES });
      const responses = await agent.responses();
      const refused = responses.find((r) => r.status === 403)!;
      expect(refused.headers.get('www-authenticate')).toBe(
        `Bearer error="insufficient_scope", error_description="Insufficient scope: missing ${SCOPES.decorator}, ${SCOPES.manifest}", ` +
          `scope="${requested}", resource_metadata="${server.metadataUrl}"`,
      );
      expect(refused.json.error).toMatchObject({ code: -31003, data: { error: 'insufficient_scope', missing_scopes: [SCOPES.decorator, SCOPES.manifest] } });
      expectNoIssuedTokenIn(responses);
    } finally {
      await agent.close();
    }
  });

  it('gives up after one step-up when the authorization server will not grant the scope', async () => {
    entitlements.set('notes-reader', [SCOPES.middleware]);
    const agent = await connectAgent('notes-reader', WRITE_NOTE_SCOPES.join(' '));
    try {
      const call = agent.client.callTool({ name: 'write_note', arguments: {} });
      await expect(call).rejects.toBeInstanceOf(StreamableHTTPError);
      await expect(call).rejects.toMatchObject({ code: 403 });
      expect(exchanges).toHaveLength(2);
      // The session still works for what the client may do.
      const result = await agent.client.callTool({ name: 'whoami', arguments: {} });
      expect(result.structuredContent).toMatchObject({ user: 'notes-reader' });
    } finally {
      await agent.close();
    }
  });
});
