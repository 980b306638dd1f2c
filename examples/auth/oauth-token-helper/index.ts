import 'reflect-metadata';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextMCP, RequiresScope, Tool, type ToolContext } from '../../../src';
import { createAuthMiddleware } from '../../../src/auth';
import { callOverHttp, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { useGitHub } from '../shared/providers';
import { runLogin } from './login-cli';

class RepoTools {
  @Tool({ description: 'Who is calling' })
  whoami(_input: unknown, { auth }: ToolContext) {
    return { user: auth!.username, scopes: [...auth!.scopes].sort() };
  }

  @Tool({ description: 'Needs the repo scope' })
  @RequiresScope('repo')
  list_private_repos() {
    return { repos: [] };
  }
}

/**
 * `npm run example -- oauth-token-helper`: the seed's token helper is the `nextmcp login` command.
 * A user gets a token from a terminal, then hands it to an MCP client for a server like this one.
 */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const github = await useGitHub(env, {});
  const mcp = new NextMCP({ name: 'Token Helper Example', version: '1.0.0' }).register(RepoTools);
  mcp.use(createAuthMiddleware({ provider: github.provider }));
  const { url } = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: Number(env.PORT ?? 0) });
  const close = async () => {
    await mcp.close();
    await github.close();
  };
  if (!github.local || serve) {
    out.line(`Server at ${url}. Get a token with:\n\n  NEXTMCP_GITHUB_CLIENT_ID=… NEXTMCP_GITHUB_CLIENT_SECRET=… npx nextmcp login github --scopes read:user`);
    out.line(`\nand call the server with "Authorization: Bearer <access_token>".`);
    serveUntilInterrupted(out, close);
    return {};
  }
  const local = github.local;
  // What the CLI reads: the client credentials, and (for the local stand-in only) its endpoints.
  const cliEnv = {
    NEXTMCP_GITHUB_CLIENT_ID: local.clientId,
    NEXTMCP_GITHUB_CLIENT_SECRET: local.clientSecret,
    NEXTMCP_GITHUB_AUTHORIZATION_URL: local.endpoints.authorizationUrl,
    NEXTMCP_GITHUB_TOKEN_URL: local.endpoints.tokenUrl,
    NEXTMCP_GITHUB_API_BASE_URL: local.endpoints.apiBaseUrl,
  };
  const directory = await mkdtemp(join(tmpdir(), 'nextmcp-login-'));
  /** The user's part: open the printed URL; the provider sends the browser back to the CLI's loopback listener. */
  const browse = async (authorizationUrl: string) => {
    const atProvider = await fetch(authorizationUrl, { redirect: 'manual' });
    await (await fetch(atProvider.headers.get('location')!)).text();
  };
  try {
    out.step('1. npx nextmcp login github --scopes read:user');
    const first = runLogin(['github', '--scopes', 'read:user'], cliEnv);
    out.line(`  it prints an authorization URL (${new URL(await first.authorizationUrl).origin}/login/oauth/authorize?…, PKCE) and waits`);
    await browse(await first.authorizationUrl);
    const printed = await first.finished;
    const token = JSON.parse(printed.stdout) as { username: string; scopes: string[]; token: { access_token: string } };
    out.line(`  exit ${printed.code}; stdout is the token JSON: user ${token.username}, scopes ${token.scopes.join(' ')}`);

    out.step('2. An MCP client sends it as "Authorization: Bearer <access_token>"');
    const bearer = { authorization: `Bearer ${token.token.access_token}` };
    const whoami = out.outcome('whoami', await callOverHttp(url!, bearer, 'whoami'));
    const missingScope = out.outcome('list_private_repos', await callOverHttp(url!, bearer, 'list_private_repos'));

    out.step('3. The fix for insufficient_scope: log in again asking for the scope; --save writes the token file (0600)');
    const file = join(directory, 'github-token.json');
    const second = runLogin(['github', '--scopes', 'read:user,repo', '--save', file], cliEnv);
    await browse(await second.authorizationUrl);
    await second.finished;
    const saved = JSON.parse(await readFile(file, 'utf8')) as { token: { access_token: string } };
    out.line(`  saved to a file with mode ${((await stat(file)).mode & 0o777).toString(8)}`);
    const withRepo = out.outcome('list_private_repos', await callOverHttp(url!, { authorization: `Bearer ${saved.token.access_token}` }, 'list_private_repos'));
    return { whoami, missingScope, withRepo };
  } finally {
    await rm(directory, { recursive: true, force: true });
    await close();
  }
}
