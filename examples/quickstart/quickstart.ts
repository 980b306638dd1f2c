import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { startLocalIssuer } from './local-issuer';
import { startNotesServer } from './notes-server';

export interface QuickstartReport {
  anonymousRefused: boolean;
  whoami: unknown;
  addNote: unknown;
  purgeRefused: boolean;
}

let print: (line: string) => void = (line) => console.log(line);
const step = (text: string) => print(`\n▶ ${text}`);
const show = (text: string) => print(`  ${text}`);

/**
 * Client credentials whose requested scope follows the server's challenges. (The SDK's
 * client-credentials flow requests `clientMetadata.scope`; step-up means asking for the scopes a
 * 403 `insufficient_scope` challenge names.)
 */
class SteppingUpClientCredentials extends ClientCredentialsProvider {
  constructor(private scope: string, options: ConstructorParameters<typeof ClientCredentialsProvider>[0]) {
    super({ ...options, scope });
  }
  override get clientMetadata() {
    return { ...super.clientMetadata, scope: this.scope };
  }
  learnChallenge(challenge: string) {
    const scope = /error="insufficient_scope".*scope="([^"]*)"/.exec(challenge)?.[1];
    if (scope) this.scope = scope;
  }
}

/** fetch that prints each HTTP exchange the SDK client makes (never the tokens). */
function tracingFetch(provider?: SteppingUpClientCredentials): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input instanceof Request ? input.url : input));
    const challenge = response.headers.get('www-authenticate');
    show(`${init?.method ?? 'GET'} ${url.pathname} → ${response.status}${challenge ? `  WWW-Authenticate: ${challenge}` : ''}`);
    if (challenge && response.status === 403) provider?.learnChallenge(challenge);
    return response;
  };
}

/**
 * A refusal as the server sent it: the JSON-RPC error in the HTTP body (the SDK client puts that
 * body in its error message), whole, or the client's own message when there is none.
 */
function describeRefusal(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const body = message.slice(message.indexOf('{'));
  try {
    const { error: rpc } = JSON.parse(body) as { error: { code: number; message: string; data?: unknown } };
    return `JSON-RPC ${rpc.code} "${rpc.message}"${rpc.data === undefined ? '' : `, data ${JSON.stringify(rpc.data)}`}`;
  } catch {
    return message;
  }
}

/** Runs the demo; `log` receives each line it prints. */
export async function runQuickstart(log: (line: string) => void = console.log): Promise<QuickstartReport> {
  print = log;
  const report: QuickstartReport = { anonymousRefused: false, whoami: undefined, addNote: undefined, purgeRefused: false };
  const issuer = await startLocalIssuer();
  const { mcp, url } = await startNotesServer(issuer.url);
  print(`Issuer at ${issuer.url}, MCP server at ${url}`);
  try {
    step('1. A client without credentials is refused');
    const anonymous = new Client({ name: 'anonymous', version: '1.0.0' });
    try {
      await anonymous.connect(new StreamableHTTPClientTransport(url, { fetch: tracingFetch() }));
      throw new Error('the server accepted an anonymous client');
    } catch (error) {
      report.anonymousRefused = /\b401\b|-31001/.test(String((error as Error).message)) || (error as { code?: number }).code === 401;
      show(`refused: ${describeRefusal(error)}`);
    }

    step('2. A client with client credentials discovers the issuer, gets a token (scope notes:read) and calls');
    const authProvider = new SteppingUpClientCredentials('notes:read', {
      clientId: 'demo-client',
      clientSecret: 'demo-secret',
      expectedIssuer: issuer.url,
    });
    const client = new Client({ name: 'notes-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider, fetch: tracingFetch(authProvider) }));
    const whoami = await client.callTool({ name: 'whoami', arguments: {} });
    report.whoami = whoami.structuredContent;
    show(`whoami → ${JSON.stringify(whoami.structuredContent)}`);

    step('3. addNote needs notes:write: 403 insufficient_scope, the SDK steps up and retries');
    const added = await client.callTool({ name: 'addNote', arguments: { text: 'hello from the quickstart' } });
    report.addNote = added.structuredContent;
    show(`addNote → ${JSON.stringify(added.structuredContent)}`);

    step('4. purge needs the admin role, which no token grants: refused');
    try {
      await client.callTool({ name: 'purge', arguments: {} });
      throw new Error('purge was allowed');
    } catch (error) {
      report.purgeRefused = (error as Error).message.includes('-31003');
      show(`refused: ${describeRefusal(error)}`);
    }
    await client.close();
    print('\nDone: refused, stepped up, allowed, refused — each decided by the same authorize().');
    return report;
  } finally {
    await mcp.close();
    await issuer.stop();
  }
}
