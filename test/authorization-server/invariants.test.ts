import 'reflect-metadata';
import { decodeJwt } from 'jose';
import { GitHubOAuthProvider, MemorySessionStore } from '../../src';
import { hashToken } from '../../src/auth/token-hash';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { RecordingStore } from '../support/recording-store';
import {
  connectWithLogin,
  InMemoryOAuthClient,
  mcpStatus,
  obtainCode,
  postToken,
  redeem,
  refresh,
  register,
  startNotesServer,
  whoami,
  type NotesServer,
} from '../support/authorization-server';

/*
 * DESIGN §7 invariants, by looking at everything: no upstream token, upstream code or upstream
 * client secret in any response, redirect, page, log line or issued token of ours; no code,
 * refresh token or client secret of ours in the authorization store in clear or in a log line.
 */

let gh: FakeGitHub;
let server: NotesServer;
const store = new RecordingStore();
const sessions = new MemorySessionStore();

/** Everything our server answered (status line, headers and body), as text. */
const answers: string[] = [];
/** Every line anything logged. */
const logLines: string[] = [];
/** Secrets seen during the run, by kind. */
const upstreamSecrets = new Set<string>();
const ourSecrets = new Set<string>();

const realFetch = global.fetch;

beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }], expiringTokens: true });
  upstreamSecrets.add(gh.clientSecret);
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, cacheTtlSeconds: 0 });
  // A refresh buffer longer than GitHub's 8 h tokens: every request refreshes the upstream token.
  server = await startNotesServer(github, { store, sessionStore: sessions }, { refreshBufferSeconds: 86_400 });
  jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const eventStream = (init?.method ?? 'GET') === 'GET' && url.pathname === '/mcp';
    if (url.origin === server.origin && !eventStream) {
      const text = await response.clone().text();
      answers.push(`${response.status} ${JSON.stringify([...response.headers])}\n${text}`);
    } else if (url.origin === gh.url) {
      // The upstream's own answers carry its codes (in redirects to our callback) and tokens.
      const location = response.headers.get('location');
      const code = location && new URL(location).searchParams.get('code');
      if (code) upstreamSecrets.add(code);
    }
    return response;
  });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logLines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
});
afterAll(async () => {
  jest.restoreAllMocks();
  await server.close();
  await gh.stop();
});

/** Notes the user's current upstream tokens. */
async function noteUpstreamTokens(): Promise<void> {
  const session = await sessions.load('4242', 'github');
  if (session) {
    upstreamSecrets.add(session.accessToken);
    if (session.refreshToken) upstreamSecrets.add(session.refreshToken);
  }
}

it('runs logins, tool calls, refreshes, revocations and refused requests', async () => {
  // The SDK client as a confidential client (it gets a secret).
  const oauth = new InMemoryOAuthClient({ authMethod: 'client_secret_post' });
  const client = await connectWithLogin(server.url, oauth);
  await noteUpstreamTokens();
  const secret = (oauth.clientInformation() as { client_secret?: string }).client_secret!;
  expect(secret).toEqual(expect.any(String));
  ourSecrets.add(secret);
  ourSecrets.add(oauth.tokens()!.refresh_token!);
  const me = await whoami(client);
  await noteUpstreamTokens();
  const upstreamToken = (await sessions.load('4242', 'github'))!.accessToken;
  expect(me.upstreamTokenHash).toBe(hashToken(upstreamToken));
  await client.close();

  // A public client: code, replay, refresh, a refused refresh while GitHub is down, revocation.
  const registered = await register(server);
  const clientId = registered.body.client_id as string;
  const { code, verifier } = await obtainCode(server, clientId);
  ourSecrets.add(code);
  const tokens = await redeem(server, clientId, code, verifier);
  await redeem(server, clientId, code, verifier);
  const second = await obtainCode(server, clientId);
  ourSecrets.add(second.code);
  const pair = await redeem(server, clientId, second.code, second.verifier);
  const refreshToken = pair.body.refresh_token as string;
  ourSecrets.add(refreshToken);
  gh.server.failNext('/login/oauth/access_token', 503);
  expect((await refresh(server, clientId, refreshToken)).status).toBe(503);
  const rotated = await refresh(server, clientId, refreshToken);
  expect(rotated.status).toBe(200);
  ourSecrets.add(rotated.body.refresh_token as string);
  await noteUpstreamTokens();
  await postToken(server, { client_id: clientId, token: rotated.body.access_token as string }, {}, '/revoke');
  expect((await mcpStatus(server, rotated.body.access_token as string)).status).toBe(401);
  // The session's current upstream token is no credential here.
  expect((await mcpStatus(server, (await sessions.load('4242', 'github'))!.accessToken)).status).toBe(401);
  expect((await mcpStatus(server, upstreamToken)).status).toBe(401);
  for (const answer of [tokens, pair, rotated]) {
    const claims = JSON.stringify(decodeJwt((answer.body.access_token as string) ?? 'x.e30.x'));
    for (const secretValue of upstreamSecrets) expect(claims).not.toContain(secretValue);
  }
  expect(upstreamSecrets.size).toBeGreaterThanOrEqual(5);
  expect(ourSecrets.size).toBeGreaterThanOrEqual(5);
});

it('no upstream token, code or client secret in any response, redirect or page of ours', () => {
  expect(answers.length).toBeGreaterThan(20);
  for (const answer of answers) for (const secretValue of upstreamSecrets) expect(answer).not.toContain(secretValue);
});

it('no secret of any kind in a log line', () => {
  const logged = logLines.join('\n');
  for (const secretValue of [...upstreamSecrets, ...ourSecrets]) expect(logged).not.toContain(secretValue);
});

it('nothing secret in the authorization store in clear', () => {
  const raw = [...store.contents].map(([key, value]) => `${key} ${value}`).join('\n');
  expect(raw).toMatch(/grant:/);
  for (const secretValue of [...upstreamSecrets, ...ourSecrets]) expect(raw).not.toContain(secretValue);
});
