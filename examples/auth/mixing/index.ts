import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { JwtProvider } from '../../../src/auth';
import type { Credentials } from '../../../src';
import { ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { useIssuer } from '../shared/issuer';
import { callTool } from '../shared/outcome';
import { createMixingServer } from './server';

const AUDIENCE = 'notes-api';

/** `npm run example -- mixing` (in process: each client is a connection with its own default credentials). */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const issuer = await useIssuer(env);
  // Outside HTTP there is no resource URL to check `aud` against: the provider checks it itself.
  const { mcp, requests } = createMixingServer(new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.issuer, audience: env.JWT_AUDIENCE ?? AUDIENCE }));
  const close = async () => {
    await mcp.close();
    await issuer.close();
  };
  if (!issuer.mint || serve) {
    const { url } = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: Number(env.PORT ?? 8080) });
    out.line(`Mixing example at ${url}; send JWTs from ${issuer.issuer} as "Authorization: Bearer <token>".`);
    serveUntilInterrupted(out, close);
    return {};
  }
  const mint = issuer.mint;
  /** A client whose connection carries `credentials` for every request (`mcp.connect(transport, { credentials })`). */
  const as = async (credentials: Credentials | undefined, tool: string) => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const connection = await mcp.connect(serverSide, { credentials });
    const client = new Client({ name: 'mixing-client', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      return await callTool(client, tool);
    } finally {
      await client.close();
      await connection.close();
    }
  };
  const token = async (sub: string, scope: string, extra: { roles?: string[]; permissions?: string[] } = {}) => ({
    access_token: await mint({ sub, scope, aud: AUDIENCE, ...extra }),
  });
  try {
    const reader = await token('reader', 'notes:read');
    const writer = await token('writer', 'notes:read notes:write');
    const editor = await token('editor', 'notes:read notes:write', { roles: ['editor'], permissions: ['notes:*'] });

    out.step('1. @Public() health needs nothing; everything else needs a token (REQUIRED middleware)');
    const health = out.outcome('anonymous → health', await as(undefined, 'health'));
    const anonymousRead = out.outcome('anonymous → read_notes', await as(undefined, 'read_notes'));

    out.step('2. Middleware AND decorator: read_notes needs notes:read; add_note also notes:write');
    const readerRead = out.outcome('reader → read_notes', await as(reader, 'read_notes'));
    const readerAdd = out.outcome('reader → add_note', await as(reader, 'add_note'));
    const writerAdd = out.outcome('writer → add_note', await as(writer, 'add_note'));

    out.step('3. Roles (any of) and permissions (any of, wildcards): edit_note, delete_note');
    const writerEdit = out.outcome('writer → edit_note', await as(writer, 'edit_note'));
    const editorEdit = out.outcome('editor → edit_note', await as(editor, 'edit_note'));
    const editorDelete = out.outcome('editor (notes:*) → delete_note', await as(editor, 'delete_note'));

    out.step('4. The functional wrapper on mcp.tool(): export_notes needs notes:export');
    const editorExport = out.outcome('editor → export_notes', await as(editor, 'export_notes'));

    out.step('5. What your own middleware saw (it wraps the auth middleware, so it sees refusals too)');
    for (const line of requests.filter((l) => l.startsWith('tools/call'))) out.line(`  ${line}`);
    return { health, anonymousRead, readerRead, readerAdd, writerAdd, writerEdit, editorEdit, editorDelete, editorExport };
  } finally {
    await close();
  }
}
