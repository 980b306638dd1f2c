import { choosePort, callOverHttp, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { useIssuer } from '../shared/issuer';
import { composeContainer, createDiServer } from './server';

/** `npm run example -- di-container` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const issuer = await useIssuer(env);
  const port = await choosePort(env);
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  // The token audience is the server's public URL (RESOURCE_URL in production, behind HTTPS).
  const resourceUrl = env.RESOURCE_URL ?? url.href;
  const mcp = createDiServer(composeContainer(issuer, resourceUrl));
  await mcp.listen({ transport: 'http', host: '127.0.0.1', port, resourceUrl });
  const close = async () => {
    await mcp.close();
    await issuer.close();
  };
  out.line(`DI container example at ${url}, trusting JWTs from ${issuer.issuer}`);
  if (!issuer.mint || serve) {
    out.line(`Call it with a JWT (aud ${resourceUrl}, scope notes:read) as "Authorization: Bearer <token>".`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    const reader = { authorization: `Bearer ${await issuer.mint({ sub: 'reader', scope: 'notes:read', aud: resourceUrl })}` };
    const writer = { authorization: `Bearer ${await issuer.mint({ sub: 'writer', scope: 'notes:read notes:write', aud: resourceUrl })}` };

    out.step('1. Every call needs notes:read (the middleware, with its provider from AUTH_PROVIDER)');
    const list = out.outcome('reader → list_notes', await callOverHttp(url, reader, 'list_notes'));

    out.step('2. add_note also needs notes:write (the manifest, from PERMISSION_MANIFEST)');
    const readerAdd = out.outcome('reader → add_note', await callOverHttp(url, reader, 'add_note', { text: 'hello' }));
    const writerAdd = out.outcome('writer → add_note', await callOverHttp(url, writer, 'add_note', { text: 'hello' }));

    out.step('3. The repository is a container singleton; the author came from the request-scoped CurrentUser');
    const after = out.outcome('writer → list_notes', await callOverHttp(url, writer, 'list_notes'));
    return { list, readerAdd, writerAdd, after };
  } finally {
    await close();
  }
}
