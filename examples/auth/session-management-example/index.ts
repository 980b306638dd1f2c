import { MemorySessionStore } from '../../../src/session';
import { callOverHttp, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { useGitHub } from '../shared/providers';
import { walkThroughSessions } from './sessions';
import { createSessionServer } from './server';

/** `npm run example -- session-management-example` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  await walkThroughSessions(out);

  const github = await useGitHub(env, {});
  const sessions = new MemorySessionStore();
  const mcp = createSessionServer(github.provider, sessions);
  const { url } = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: Number(env.PORT ?? 0) });
  const close = async () => {
    await mcp.close();
    await github.close();
  };
  if (!github.local || serve) {
    out.line(`\nServer at ${url}: call it with a GitHub token (npx nextmcp login github) as "Authorization: Bearer <token>".`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    const token = github.local.issueToken('octocat', ['read:user']);
    const bearer = { authorization: `Bearer ${token}` };
    out.step('B1. The first call creates the session');
    const first = out.outcome('whoami', await callOverHttp(url!, bearer, 'whoami'));

    out.step('B2. The user revokes the token at GitHub; the session still vouches for it (sessionTrustSeconds)');
    github.local.revokeToken(token);
    const stillTrusted = out.outcome('whoami', await callOverHttp(url!, bearer, 'whoami'));

    out.step('B3. sign_out deletes the session; the next call asks GitHub, which refuses the token');
    const signOut = out.outcome('sign_out', await callOverHttp(url!, bearer, 'sign_out'));
    const afterSignOut = out.outcome('whoami', await callOverHttp(url!, bearer, 'whoami'));
    return { first, stillTrusted, signOut, afterSignOut };
  } finally {
    await close();
  }
}
