import { callOverHttp, choosePort, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { signInThroughServer } from '../shared/browser';
import { useGitHub, useGoogle } from '../shared/providers';
import { createMultiProviderServer } from './server';

/** `npm run example -- multi-provider-server` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const port = await choosePort(env, env.GITHUB_CLIENT_ID || env.GOOGLE_CLIENT_ID ? 8080 : undefined);
  const base = `http://localhost:${port}`;
  const redirectUri = `${base}/oauth/callback`;
  // The same numeric id at both providers, to show that sessions never mix them up.
  const github = await useGitHub(env, { redirectUri }, [{ id: 1001, login: 'octocat' }]);
  const google = await useGoogle(env, { redirectUri }, [{ sub: '1001', email: 'octo@example.com', name: 'Octo' }]);
  const mcp = createMultiProviderServer(github.provider, google.provider);
  await mcp.listen({ transport: 'http', host: '127.0.0.1', port });
  const url = new URL(`${base}/mcp`);
  const close = async () => {
    await mcp.close();
    await Promise.all([github.close(), google.close()]);
  };
  out.line(`Multi-provider example at ${url}`);

  if (!github.local || !google.local || serve) {
    out.line(`Sign in at ${base}/oauth/authorize?provider=github or …?provider=google and use the token shown.`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    out.step('1. Sign in with GitHub and with Google (two sessions: github/1001 and google/1001)');
    const githubToken = { authorization: `Bearer ${await signInThroughServer(base, 'github')}` };
    const googleToken = { authorization: `Bearer ${await signInThroughServer(base, 'google')}` };

    out.step('2. whoami works with either token; ctx.auth.provider says which');
    const whoamiGitHub = out.outcome('whoami (GitHub token)', await callOverHttp(url, githubToken, 'whoami'));
    const whoamiGoogle = out.outcome('whoami (Google token)', await callOverHttp(url, googleToken, 'whoami'));

    out.step('3. get_google_profile is pinned to Google: a GitHub token is refused with 401');
    const wrongProvider = out.outcome('get_google_profile (GitHub token)', await callOverHttp(url, githubToken, 'get_google_profile'));
    const googleProfile = out.outcome('get_google_profile (Google token)', await callOverHttp(url, googleToken, 'get_google_profile'));

    out.step('4. Sessions by provider');
    const sessions = out.outcome('get_active_sessions_by_provider', await callOverHttp(url, githubToken, 'get_active_sessions_by_provider'));
    return { whoamiGitHub, whoamiGoogle, wrongProvider, googleProfile, sessions };
  } finally {
    await close();
  }
}
