import { ApiKeyProvider } from '../../../src/auth';
import { callOverHttp, connectHttp, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { callTool } from '../shared/outcome';
import { createManifestServer, DEMO_USERS } from './server';

/** `npm run example -- manifest-server` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  // One fresh key per demo user; a real server would load its keys (or digests) from its secrets store.
  const keyOf = Object.fromEntries(Object.keys(DEMO_USERS).map((who) => [who, ApiKeyProvider.generateKey(`${who}_`)]));
  const mcp = await createManifestServer(Object.fromEntries(Object.entries(DEMO_USERS).map(([who, entry]) => [keyOf[who], entry])));
  const { url } = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: Number(env.PORT ?? 0) });
  const as = (who: string) => ({ 'x-api-key': keyOf[who] });
  out.line(`Manifest example at ${url}`);

  if (serve) {
    for (const [who, key] of Object.entries(keyOf)) out.line(`  ${who}: X-API-Key: ${key}`);
    serveUntilInterrupted(out, () => mcp.close());
    return {};
  }
  try {
    out.step('1. tools/list marks the dangerous tool (destructiveHint) for clients to confirm');
    const client = await connectHttp(url!, as('viewer'));
    const listed = (await client.listTools()).tools.find((t) => t.name === 'delete_all_data');
    out.line(`  delete_all_data annotations: ${JSON.stringify(listed?.annotations)}`);
    out.step('2. The viewer may query (role viewer, permission read:data)');
    const viewerQuery = out.outcome('viewer → query_database', await callTool(client, 'query_database', { query: 'SELECT * FROM users' }));
    await client.close();

    out.step('3. The viewer may not update: the manifest wants editor or admin');
    const viewerUpdate = out.outcome('viewer → update_database', await callOverHttp(url!, as('viewer'), 'update_database', { record_id: 1, data: { name: 'X' } }));
    const editorUpdate = out.outcome('editor → update_database', await callOverHttp(url!, as('editor'), 'update_database', { record_id: 1, data: { name: 'X' } }));

    out.step('4. delete_all_data needs role admin AND permission admin:all AND scope admin:full');
    const editorDelete = out.outcome('editor → delete_all_data', await callOverHttp(url!, as('editor'), 'delete_all_data', { confirmation: 'I UNDERSTAND THIS IS PERMANENT' }));
    const adminDelete = out.outcome('admin → delete_all_data', await callOverHttp(url!, as('admin'), 'delete_all_data', { confirmation: 'I UNDERSTAND THIS IS PERMANENT' }));

    out.step('5. The analyst exports: role data_analyst, permission export:data (any one of those listed)');
    const analystExport = out.outcome('analyst → export_user_data', await callOverHttp(url!, as('analyst'), 'export_user_data'));
    return { viewerQuery, viewerUpdate, editorUpdate, editorDelete, adminDelete, analystExport };
  } finally {
    await mcp.close();
  }
}
