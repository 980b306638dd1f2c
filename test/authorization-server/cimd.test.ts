import 'reflect-metadata';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GitHubOAuthProvider } from '../../src';
import { mayConnectTo } from '../../src/auth/authorization-server/address-policy';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { RecordingStore } from '../support/recording-store';
import { authorizeUrl, CLIENT_REDIRECT, obtainTokens, pkce, startNotesServer, whoamiWith, type NotesServer } from '../support/authorization-server';

/*
 * Issue 12, item 4 (client ID metadata documents): every limit of DESIGN §7 — no private or
 * loopback addresses (loopback only with allowHttpLoopback), no redirects, a byte and a time
 * limit, JSON whose client_id is its URL, public clients only; cached by its headers, never failures.
 */

let gh: FakeGitHub;
let documents: Server;
let base: string;
const hits = new Map<string, number>();
let flakyFailures = 0;

/** Routes of the document host. */
function serveDocument(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  const doc = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ client_id: `${base}${path}`, client_name: 'Doc client', redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', ...extra });
  const json = { 'content-type': 'application/json' };
  switch (path) {
    case '/ok':
    case '/default-cache':
      return void res.writeHead(200, json).end(doc());
    case '/max-age':
      return void res.writeHead(200, { ...json, 'cache-control': 'max-age=60' }).end(doc());
    case '/no-store':
      return void res.writeHead(200, { ...json, 'cache-control': 'no-store' }).end(doc());
    case '/big':
      return void res.writeHead(200, json).end(doc({ padding: 'x'.repeat(6000) }));
    case '/big-streamed':
      // No Content-Length: the limit must hold while reading.
      res.writeHead(200, json);
      res.write(doc().slice(0, -1));
      res.write(`, "padding": "${'x'.repeat(6000)}"}`);
      return void res.end();
    case '/slow':
      return void setTimeout(() => res.writeHead(200, json).end(doc()), 2_000).unref();
    case '/redirect':
      return void res.writeHead(302, { location: `${base}/ok` }).end();
    case '/html':
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not json</html>');
    case '/other-id':
      return void res.writeHead(200, json).end(doc({ client_id: `${base}/ok` }));
    case '/secret':
      return void res.writeHead(200, json).end(doc({ token_endpoint_auth_method: 'client_secret_basic' }));
    case '/no-redirects':
      return void res.writeHead(200, json).end(doc({ redirect_uris: [] }));
    case '/bad-redirect':
      return void res.writeHead(200, json).end(doc({ redirect_uris: ['javascript:alert(1)'] }));
    case '/flaky':
      if (flakyFailures++ === 0) return void res.writeHead(500).end();
      return void res.writeHead(200, json).end(doc());
    default:
      res.writeHead(404).end();
  }
}

let server: NotesServer;
const store = new RecordingStore();

beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] });
  documents = createServer(serveDocument);
  await new Promise<void>((done) => documents.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(documents.address() as { port: number }).port}`;
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
  server = await startNotesServer(github, { store, clientIdMetadataDocuments: { allowHttpLoopback: true, timeoutMs: 500 } });
});
afterAll(async () => {
  await server.close();
  documents.closeAllConnections();
  await new Promise((done) => documents.close(done));
  await gh.stop();
});

/** The first answer of /authorize for a client id, without following it. */
function authorize(target: NotesServer, clientId: string): Promise<Response> {
  return fetch(authorizeUrl(target, { client_id: clientId, code_challenge: pkce().challenge }), { redirect: 'manual' });
}

async function refused(clientId: string, target = server): Promise<string> {
  const mark = store.changes.length;
  const response = await authorize(target, clientId);
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(store.since(mark)).toEqual([]);
  return response.text();
}

describe('a client ID metadata document', () => {
  it('that is valid lets its client log in under its URL', async () => {
    const tokens = await obtainTokens(server, `${base}/ok`);
    expect(await whoamiWith(server, tokens.access_token)).toMatchObject({ clientId: `${base}/ok`, userId: '4242' });
  });

  it.each([
    ['larger than maxBytes', '/big', /larger than 5120 bytes/],
    ['larger than maxBytes while streamed', '/big-streamed', /larger than 5120 bytes/],
    ['too slow', '/slow', /did not arrive within 500 ms/],
    ['redirecting', '/redirect', /redirects are not followed/],
    ['not JSON', '/html', /not JSON/],
    ['naming another client_id', '/other-id', /another client_id/],
    ['for a confidential client', '/secret', /token_endpoint_auth_method/],
    ['without redirect URIs', '/no-redirects', /no redirect_uris/],
    ['with a forbidden redirect URI', '/bad-redirect', /redirect URI that is not allowed/],
    ['that is missing (404)', '/missing', /HTTP 404/],
  ])('%s is refused at /authorize: a 400 page, no redirect, nothing stored', async (_case, path, reason) => {
    expect(await refused(`${base}${path}`)).toMatch(reason);
  });

  it('is never fetched through a redirect', async () => {
    const before = hits.get('/ok') ?? 0;
    await refused(`${base}/redirect`);
    expect(hits.get('/ok') ?? 0).toBe(before);
  });

  it.each([
    ['a private network', 'https://10.0.0.1/client.json'],
    ['a cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['CGNAT', 'https://100.64.0.1/client.json'],
    ['an IPv6 unique local address', 'https://[fd00::1]/client.json'],
    ['an IPv4-mapped private address', 'https://[::ffff:c0a8:101]/client.json'],
    ['multicast', 'https://224.0.0.1/client.json'],
  ])('on %s is refused before any connection, even with allowHttpLoopback', async (_case, clientId) => {
    expect(await refused(clientId)).toMatch(/not public/);
  });

  it('with the defaults: loopback is refused, by address and by a name that resolves to it, without any fetch', async () => {
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
    const strict = await startNotesServer(github);
    try {
      const before = hits.get('/ok') ?? 0;
      const port = new URL(base).port;
      expect(await (await authorize(strict, `${base}/ok`)).text()).toMatch(/https: URL/);
      expect(await (await authorize(strict, `https://127.0.0.1:${port}/ok`)).text()).toMatch(/not public/);
      expect(await (await authorize(strict, `https://localhost:${port}/ok`)).text()).toMatch(/not public/);
      expect(hits.get('/ok') ?? 0).toBe(before);
    } finally {
      await strict.close();
    }
  });

  it('is cached by Cache-Control, else for cacheSeconds; no-store is fetched each time; failures are not cached', async () => {
    for (const path of ['/max-age', '/default-cache', '/no-store']) {
      for (let i = 0; i < 2; i++) expect((await authorize(server, `${base}${path}`)).status).toBe(302);
    }
    expect(hits.get('/max-age')).toBe(1);
    expect(hits.get('/default-cache')).toBe(1);
    expect(hits.get('/no-store')).toBe(2);
    expect((await authorize(server, `${base}/flaky`)).status).toBe(400);
    expect((await authorize(server, `${base}/flaky`)).status).toBe(302);
  });

  it('URLs without a path, with a fragment or not in normal form are not client ids', async () => {
    for (const clientId of [`${base}/`, `${base}/ok#x`, `${base}/a/../ok`]) await refused(clientId);
  });
});

describe('which addresses a fetch may reach', () => {
  it.each([
    ['93.184.216.34', false, true],
    ['2606:4700::1111', false, true],
    ['127.0.0.1', false, false],
    ['127.0.0.1', true, true],
    ['::1', true, true],
    ['10.1.2.3', true, false],
    ['172.16.0.1', true, false],
    ['192.168.0.1', true, false],
    ['169.254.169.254', true, false],
    ['100.64.0.1', true, false],
    ['0.0.0.0', true, false],
    ['255.255.255.255', true, false],
    ['fe80::1', true, false],
    ['fc00::1', true, false],
    ['ff02::1', true, false],
    ['::ffff:10.0.0.1', true, false],
    ['::ffff:a00:1', true, false],
    ['::ffff:8.8.8.8', false, true],
    ['not-an-ip', true, false],
  ])('%s (allowLoopback %s): %s', (address, allowLoopback, allowed) => {
    expect(mayConnectTo(address, allowLoopback)).toBe(allowed);
  });
});
