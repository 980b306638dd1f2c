import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { GitHubOAuthProvider, GoogleOAuthProvider, MemorySessionStore } from '../../src';
import { hashToken } from '../../src/auth/token-hash';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';
import { CLIENT_REDIRECT, connectWithLogin, InMemoryOAuthClient, startNotesServer, whoami, type NotesServer } from '../support/authorization-server';

/*
 * Issue 12, item 1: the official SDK client, unmodified, logs in through our authorization server
 * (dynamic registration or a client ID metadata document), our consent page and the upstream, and
 * its tools see the upstream user in ctx.auth and the upstream token in ctx.session.
 */

let gh: FakeGitHub;
let google: FakeGoogle;

beforeAll(async () => {
  [gh, google] = await Promise.all([
    startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] }),
    startFakeGoogle({ users: [{ sub: '1234', email: 'ada@example.com', name: 'Ada' }] }),
  ]);
});
afterAll(async () => {
  await Promise.all([gh.stop(), google.stop()]);
});

function github(): GitHubOAuthProvider {
  return new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints, scopes: ['read:user'] });
}

/** Whether the fake GitHub accepts `token` as one of its access tokens. */
async function githubAccepts(token: string): Promise<boolean> {
  return (await fetch(`${gh.url}/user`, { headers: { authorization: `Bearer ${token}` } })).status === 200;
}

describe('the SDK client logs in through GitHub', () => {
  let server: NotesServer;
  const sessions = new MemorySessionStore();
  beforeAll(async () => {
    server = await startNotesServer(github(), { sessionStore: sessions });
  });
  afterAll(() => server.close());

  it('with dynamic client registration: consent, code, tokens, and a tool sees the GitHub user and token', async () => {
    const oauth = new InMemoryOAuthClient({ clientName: 'Registered client' });
    const client = await connectWithLogin(server.url, oauth);
    const me = await whoami(client);
    const session = await sessions.load('4242', 'github');
    expect(me).toEqual({
      provider: 'github',
      userId: '4242',
      username: 'octo',
      scopes: ['notes:read'],
      roles: [],
      clientId: oauth.clientInformation()!.client_id,
      upstreamTokenHash: hashToken(session!.accessToken),
    });
    expect(await githubAccepts(session!.accessToken)).toBe(true);
    // The client holds our token, never GitHub's.
    expect(oauth.tokens()!.access_token).not.toBe(session!.accessToken);
    expect(oauth.tokens()!.refresh_token).toEqual(expect.any(String));
    const consentPage = oauth.browser.hops.find((hop) => hop.status === 200 && hop.body.includes('<form'));
    expect(consentPage?.body).toContain('Registered client');
    expect(oauth.answer!.searchParams.get('iss')).toBe(server.origin);
    await client.close();
  });

  it('remembers the approval: a second login of the same client skips the consent page', async () => {
    const oauth = new InMemoryOAuthClient();
    await (await connectWithLogin(server.url, oauth)).close();
    const again = new InMemoryOAuthClient();
    again.saveClientInformation(oauth.clientInformation()!);
    const client = await connectWithLogin(server.url, again);
    expect(again.browser.hops.some((hop) => hop.body.includes('<form'))).toBe(false);
    expect((await whoami(client)).userId).toBe('4242');
    await client.close();
  });
});

describe('the SDK client logs in with a client ID metadata document', () => {
  let documents: Server;
  let documentUrl: string;
  let fetches = 0;
  beforeAll(async () => {
    documents = createServer((req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ client_id: documentUrl, client_name: 'Metadata client', redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
      );
    });
    await new Promise<void>((done) => documents.listen(0, '127.0.0.1', done));
    documentUrl = `http://127.0.0.1:${(documents.address() as { port: number }).port}/client.json`;
  });
  afterAll(() => new Promise((done) => documents.close(done)));

  it('is fetched (allowHttpLoopback) and the client logs in under its URL as client id', async () => {
    const server = await startNotesServer(github(), { clientIdMetadataDocuments: { allowHttpLoopback: true } });
    try {
      // A client that knows its metadata document URL presents it as its client id.
      const oauth = new InMemoryOAuthClient({ clientId: documentUrl });
      const client = await connectWithLogin(server.url, oauth);
      expect(await whoami(client)).toMatchObject({ provider: 'github', userId: '4242', clientId: documentUrl });
      expect(oauth.browser.hops.find((hop) => hop.body.includes('<form'))?.body).toContain('Metadata client');
      expect(fetches).toBeGreaterThan(0);
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('with the defaults, an http loopback client id is refused without any fetch', async () => {
    const server = await startNotesServer(github());
    try {
      const before = fetches;
      const oauth = new InMemoryOAuthClient({ clientId: documentUrl });
      await expect(connectWithLogin(server.url, oauth)).rejects.toThrow(/HTTP 400/);
      expect(fetches).toBe(before);
    } finally {
      await server.close();
    }
  });
});

describe('the SDK client logs in through Google', () => {
  it('with dynamic registration: a tool sees the Google user and the Google token', async () => {
    const sessions = new MemorySessionStore();
    const provider = new GoogleOAuthProvider({ clientId: google.clientId, clientSecret: google.clientSecret, endpoints: google.endpoints });
    const server = await startNotesServer(provider, { sessionStore: sessions });
    try {
      const oauth = new InMemoryOAuthClient();
      const client = await connectWithLogin(server.url, oauth);
      const me = await whoami(client);
      expect(me).toMatchObject({ provider: 'google', userId: '1234', username: 'ada@example.com', scopes: ['notes:read'] });
      const session = await sessions.load('1234', 'google');
      expect(me.upstreamTokenHash).toBe(hashToken(session!.accessToken));
      expect(session!.accessToken).toMatch(/^ya29\./);
      await client.close();
    } finally {
      await server.close();
    }
  });
});
