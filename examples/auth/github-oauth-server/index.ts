import { callOverHttp, choosePort, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { signInThroughServer } from '../shared/browser';
import { useGitHub } from '../shared/providers';
import { createGitHubServer } from './server';

/** `npm run example -- github-oauth-server` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const real = !!env.GITHUB_CLIENT_ID;
  // A real GitHub OAuth app has http://localhost:8080/oauth/callback registered as its callback.
  const port = await choosePort(env, real ? 8080 : undefined);
  const base = `http://localhost:${port}`;
  const github = await useGitHub(env, { redirectUri: `${base}/oauth/callback`, scopes: ['read:user'] });
  const mcp = createGitHubServer(github.provider, base);
  await mcp.listen({ transport: 'http', host: '127.0.0.1', port });
  const url = new URL(`${base}/mcp`);
  const close = async () => {
    await mcp.close();
    await github.close();
  };
  out.line(`GitHub OAuth example at ${url} (${github.local ? `local GitHub stand-in at ${github.local.url}` : 'github.com'})`);

  if (!github.local || serve) {
    out.line(`Sign in at ${base}/oauth/authorize?provider=github, then give your MCP client the token shown there`);
    out.line(`as "Authorization: Bearer <token>" (MCP endpoint ${url}).`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    out.step('1. A client without a token is refused before it can even initialize');
    const anonymous = out.outcome('initialize', await callOverHttp(url, {}, 'get_my_profile'));

    out.step('2. The user signs in through the server (PKCE, state bound to the browser) and gets a token');
    const token = await signInThroughServer(base, 'github');
    out.line(`  signed in; token ${token.slice(0, 4)}… (never logged in full)`);
    const bearer = { authorization: `Bearer ${token}` };

    out.step('3. get_my_profile with that token');
    const profile = out.outcome('get_my_profile', await callOverHttp(url, bearer, 'get_my_profile'));

    out.step('4. list_my_orgs needs read:org, which this login did not grant: 403 insufficient_scope');
    const orgs = out.outcome('list_my_orgs', await callOverHttp(url, bearer, 'list_my_orgs'));
    return { anonymous, profile, orgs };
  } finally {
    await close();
  }
}
