import { callOverHttp, choosePort, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { signInThroughServer } from '../shared/browser';
import { useGoogle } from '../shared/providers';
import { createGoogleServer } from './server';

/** `npm run example -- google-oauth-server` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const port = await choosePort(env, env.GOOGLE_CLIENT_ID ? 8080 : undefined);
  const base = `http://localhost:${port}`;
  const google = await useGoogle(env, { redirectUri: `${base}/oauth/callback`, scopes: ['openid', 'email', 'profile'] });
  const mcp = createGoogleServer(google.provider);
  await mcp.listen({ transport: 'http', host: '127.0.0.1', port });
  const url = new URL(`${base}/mcp`);
  const close = async () => {
    await mcp.close();
    await google.close();
  };
  out.line(`Google OAuth example at ${url} (${google.local ? `local Google stand-in at ${google.local.url}` : 'accounts.google.com'})`);

  if (!google.local || serve) {
    out.line(`Sign in at ${base}/oauth/authorize?provider=google; give your MCP client the token as "Authorization: Bearer <token>".`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    out.step('1. Sign in with Google through the server');
    const token = await signInThroughServer(base, 'google');
    const bearer = { authorization: `Bearer ${token}` };

    out.step('2. get_user_profile: the token carries profile and email, which every call needs');
    const profile = out.outcome('get_user_profile', await callOverHttp(url, bearer, 'get_user_profile'));

    out.step('3. list_drive_files needs drive.readonly, not granted at sign-in: 403 insufficient_scope');
    const drive = out.outcome('list_drive_files', await callOverHttp(url, bearer, 'list_drive_files'));

    out.step('4. A token Google does not know: 401 invalid_token');
    const forged = out.outcome('get_user_profile', await callOverHttp(url, { authorization: 'Bearer ya29.not-a-real-token' }, 'get_user_profile'));
    return { profile, drive, forged };
  } finally {
    await close();
  }
}
