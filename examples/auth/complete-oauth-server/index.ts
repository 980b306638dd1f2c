import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSessionStore, SessionData } from '../../../src/session';
import { callOverHttp, choosePort, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { signInThroughServer } from '../shared/browser';
import { useGoogle } from '../shared/providers';
import { createCompleteServer } from './server';

/** `npm run example -- complete-oauth-server` */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const port = await choosePort(env, env.GOOGLE_CLIENT_ID ? 8080 : undefined);
  const base = `http://localhost:${port}`;
  const google = await useGoogle(env, { redirectUri: `${base}/oauth/callback`, scopes: ['openid', 'email', 'profile'] });
  const demo = !!google.local && !serve;
  // The demo keeps its sessions in a temporary directory; a real server in SESSION_DIR.
  const sessionDirectory = env.SESSION_DIR ?? (demo ? await mkdtemp(join(tmpdir(), 'nextmcp-complete-')) : '.nextmcp_sessions');
  const start = async (on: number) => {
    const server = createCompleteServer({ google: google.provider, sessionDirectory, encryptionKey: env.NEXTMCP_SESSION_KEY });
    await server.listen({ transport: 'http', host: '127.0.0.1', port: on });
    return server;
  };
  let mcp = await start(port);
  const url = new URL(`${base}/mcp`);
  const close = async () => {
    await mcp.close();
    await google.close();
  };
  out.line(`Complete OAuth example at ${url}; sessions in ${sessionDirectory}${env.NEXTMCP_SESSION_KEY ? ' (encrypted)' : ''}`);

  if (!demo) {
    out.line(`Sign in at ${base}/oauth/authorize?provider=google and use the token shown.`);
    serveUntilInterrupted(out, close);
    return {};
  }
  try {
    out.step('1. Without a token even initialize is refused (HTTP 401 with a WWW-Authenticate challenge)');
    const anonymous = out.outcome('initialize', await callOverHttp(url, {}, 'get_server_info'));

    out.step('2. Sign in with Google; the session is written to a file');
    const bearer = { authorization: `Bearer ${await signInThroughServer(base, 'google')}` };
    const profile = out.outcome('get_user_profile', await callOverHttp(url, bearer, 'get_user_profile'));

    out.step("3. The session's Google token is about to expire: the next call refreshes it first");
    const store = new FileSessionStore(sessionDirectory, { encryptionKey: env.NEXTMCP_SESSION_KEY });
    const [userId] = await store.listUsers();
    const session = (await store.load(userId, 'google'))!;
    await store.save(new SessionData({ ...session.toJSON(), expiresAt: Math.floor(Date.now() / 1000) + 60 }));
    out.line("  (the session's Google token now expires in 60 s, inside the 300 s refresh buffer)");
    const refreshed = out.outcome('get_user_profile', await callOverHttp(url, bearer, 'get_user_profile'));

    out.step('4. Restart the server (the demo restarts it on a fresh port): the session is still there');
    await mcp.close();
    const restarted = await choosePort({});
    mcp = await start(restarted);
    const restartedUrl = new URL(`http://localhost:${restarted}/mcp`);
    const afterRestart = out.outcome('get_active_sessions', await callOverHttp(restartedUrl, bearer, 'get_active_sessions'));

    out.step('5. list_user_files needs drive.readonly, which the sign-in did not ask for');
    const files = out.outcome('list_user_files', await callOverHttp(restartedUrl, bearer, 'list_user_files'));
    await store.close();
    return { anonymous, profile, refreshed, afterRestart, files };
  } finally {
    await close();
    if (!env.SESSION_DIR) await rm(sessionDirectory, { recursive: true, force: true });
  }
}
