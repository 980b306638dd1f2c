import { createServer } from 'node:http';
import { callOverHttp, choosePort, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { signInThroughServer } from '../shared/browser';
import { useGitHub } from '../shared/providers';
import { createApp } from './server';

/** `npm run example -- express-mount` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const port = await choosePort(env, env.GITHUB_CLIENT_ID ? 8080 : undefined);
  const base = env.PUBLIC_URL ?? `http://localhost:${port}`;
  const github = await useGitHub(env, { redirectUri: `${base}/oauth/callback`, scopes: ['read:user'] });
  const { app, mcp } = createApp(github.provider, base);
  const http = createServer(app);
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const close = async () => {
    await mcp.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await github.close();
  };
  out.line(`express app at ${base}: /healthz, /api/echo, and MCP at /mcp`);
  if (!github.local || serve) {
    out.line(`Sign in at ${base}/oauth/authorize?provider=github and use the token shown.`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    out.step("1. The app's own routes work as before");
    out.line(`  GET /healthz → ${await (await fetch(`${base}/healthz`)).text()}`);
    const echoed = await fetch(`${base}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' });
    out.line(`  POST /api/echo → ${await echoed.text()}`);

    out.step('2. The mounted MCP endpoint: its metadata, and a 401 without a token');
    const metadata = (await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string };
    out.line(`  GET /.well-known/oauth-protected-resource/mcp → resource ${metadata.resource}`);
    const url = new URL(`${base}/mcp`);
    const anonymous = out.outcome('initialize', await callOverHttp(url, {}, 'whoami'));

    out.step('3. Sign in through the mounted login routes, then call');
    const bearer = { authorization: `Bearer ${await signInThroughServer(base, 'github')}` };
    const whoami = out.outcome('whoami', await callOverHttp(url, bearer, 'whoami'));
    const sync = out.outcome('sync_repos', await callOverHttp(url, bearer, 'sync_repos'));
    return { anonymous, whoami, sync };
  } finally {
    await close();
  }
}
