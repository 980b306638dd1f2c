import 'reflect-metadata';
import { GitHubOAuthProvider } from '../../src';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { RecordingStore } from '../support/recording-store';
import {
  authorizeUrl,
  CLIENT_REDIRECT,
  formOf,
  obtainCode,
  pkce,
  registeredClient,
  startNotesServer,
  TestBrowser,
  type NotesServer,
} from '../support/authorization-server';

/*
 * Issue 12, item 4 (the authorization side): every bad input gets its exact OAuth error, and
 * changes nothing — no record written, the upstream never asked, no redirect where none is due.
 */

let gh: FakeGitHub;
let server: NotesServer;
let store: RecordingStore;
let clientId: string;

beforeAll(async () => {
  gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] });
  store = new RecordingStore();
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
  server = await startNotesServer(github, { store });
  clientId = await registeredClient(server);
});
afterAll(async () => {
  await server.close();
  await gh.stop();
});

/** Opens `url` in a fresh browser and returns the first answer, without following anything. */
async function first(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: 'manual' });
}

/** What the client receives at its redirect URI after a refused authorization request. */
function redirectedError(response: Response): Record<string, string | null> {
  const location = new URL(response.headers.get('location')!);
  expect(location.href.startsWith(CLIENT_REDIRECT)).toBe(true);
  return { error: location.searchParams.get('error'), state: location.searchParams.get('state'), iss: location.searchParams.get('iss') };
}

describe('GET /authorize refuses, with nothing stored and the upstream never asked', () => {
  const { challenge } = pkce();

  async function refusedWithoutChange(url: string): Promise<Response> {
    const mark = store.changes.length;
    const upstreamVisits = gh.requestCount('/login/oauth/authorize');
    const response = await first(url);
    expect(store.since(mark)).toEqual([]);
    expect(gh.requestCount('/login/oauth/authorize')).toBe(upstreamVisits);
    expect(response.headers.get('set-cookie')).toBeNull();
    return response;
  }

  it('an unknown client: a 400 page, no redirect', async () => {
    const response = await refusedWithoutChange(authorizeUrl(server, { client_id: 'no-such-client', code_challenge: challenge }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('Unknown application');
  });

  it('a redirect URI that was not registered: a 400 page, no redirect', async () => {
    for (const redirectUri of ['https://attacker.example/callback', `${CLIENT_REDIRECT}/extra`, 'http://localhost:9/callback', undefined]) {
      const response = await refusedWithoutChange(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, redirect_uri: redirectUri }));
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('a registered loopback redirect URI on another port is the same URI (RFC 8252 §7.3)', async () => {
    const response = await first(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, redirect_uri: 'http://127.0.0.1:51234/callback' }));
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).origin).toBe(gh.url);
  });

  it.each([
    ['no code_challenge', { code_challenge: undefined }],
    ['the plain method', { code_challenge_method: 'plain' }],
    ['no code_challenge_method', { code_challenge_method: undefined }],
    ['a code_challenge too short', { code_challenge: 'abc' }],
  ])('PKCE with %s: invalid_request at the redirect URI', async (_case, params) => {
    const response = await refusedWithoutChange(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, ...params }));
    expect(response.status).toBe(302);
    expect(redirectedError(response)).toEqual({ error: 'invalid_request', state: 'client-state', iss: server.origin });
  });

  it('a resource other than this server: invalid_target', async () => {
    const response = await refusedWithoutChange(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, resource: 'https://other.example/mcp' }));
    expect(redirectedError(response)).toEqual({ error: 'invalid_target', state: 'client-state', iss: server.origin });
  });

  it('a response type other than code: unsupported_response_type', async () => {
    const response = await refusedWithoutChange(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, response_type: 'token' }));
    expect(redirectedError(response).error).toBe('unsupported_response_type');
  });

  it('drops unknown scopes and grants the defaults when none are named', async () => {
    const named = await obtainCode(server, clientId, { scope: 'notes:read unknown:scope' });
    expect(named.answer.searchParams.get('code')).toBeTruthy();
    const consent = named.browser.hops.find((hop) => hop.body.includes('<form'));
    expect(consent?.body ?? '').not.toContain('unknown:scope');
  });
});

describe('a valid request', () => {
  it('stores a transaction, sets the browser cookie, and sends the browser upstream with our own PKCE and state', async () => {
    const { challenge } = pkce();
    const response = await first(authorizeUrl(server, { client_id: clientId, code_challenge: challenge }));
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^nextmcp_as=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=900$/);
    const upstream = new URL(response.headers.get('location')!);
    expect(upstream.origin).toBe(gh.url);
    expect(upstream.searchParams.get('client_id')).toBe(gh.clientId);
    expect(upstream.searchParams.get('redirect_uri')).toBe(`${server.origin}/oauth/callback`);
    expect(upstream.searchParams.get('code_challenge_method')).toBe('S256');
    // Our own challenge and state, not the client's.
    expect(upstream.searchParams.get('code_challenge')).not.toBe(challenge);
    expect(upstream.searchParams.get('state')).not.toBe('client-state');
  });
});

describe('the upstream callback refuses a state that is not this browser’s live transaction', () => {
  /** The callback URL the upstream sends the browser to, and the browser's cookie. */
  async function upstreamReturn(): Promise<{ callback: string; cookie: string }> {
    const { challenge } = pkce();
    const start = await first(authorizeUrl(server, { client_id: clientId, code_challenge: challenge }));
    const cookie = start.headers.get('set-cookie')!.split(';')[0];
    const atUpstream = await first(start.headers.get('location')!);
    return { callback: atUpstream.headers.get('location')!, cookie };
  }

  async function refusedBeforeUpstream(callback: string, cookie?: string): Promise<void> {
    const exchanges = gh.requestCount('/login/oauth/access_token');
    const response = await first(callback, { headers: cookie ? { cookie } : {} });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('Login refused');
    expect(gh.requestCount('/login/oauth/access_token')).toBe(exchanges);
  }

  it('from another browser (no cookie, or another one)', async () => {
    const { callback } = await upstreamReturn();
    await refusedBeforeUpstream(callback);
    await refusedBeforeUpstream(callback, 'nextmcp_as=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  });

  it('replayed', async () => {
    const { callback, cookie } = await upstreamReturn();
    const firstUse = await first(callback, { headers: { cookie } });
    expect([200, 302]).toContain(firstUse.status); // consent page, or a code when approval is remembered
    await refusedBeforeUpstream(callback, cookie);
  });

  it('unknown', async () => {
    const { callback, cookie } = await upstreamReturn();
    const forged = new URL(callback);
    forged.searchParams.set('state', 'made-up-state-value-0123456789');
    await refusedBeforeUpstream(forged.href, cookie);
  });

  it('expired', async () => {
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
    const short = await startNotesServer(github, { transactionTtlSeconds: 1 });
    try {
      const id = await registeredClient(short);
      const start = await first(authorizeUrl(short, { client_id: id, code_challenge: pkce().challenge }));
      const cookie = start.headers.get('set-cookie')!.split(';')[0];
      const callback = (await first(start.headers.get('location')!)).headers.get('location')!;
      await new Promise((done) => setTimeout(done, 2_100));
      const exchanges = gh.requestCount('/login/oauth/access_token');
      const response = await first(callback, { headers: { cookie } });
      expect(response.status).toBe(400);
      expect(gh.requestCount('/login/oauth/access_token')).toBe(exchanges);
    } finally {
      await short.close();
    }
  });

  it('an upstream error sends access_denied to the client', async () => {
    const { callback, cookie } = await upstreamReturn();
    const denied = new URL(callback);
    denied.searchParams.delete('code');
    denied.searchParams.set('error', 'access_denied');
    const response = await first(denied.href, { headers: { cookie } });
    expect(redirectedError(response)).toEqual({ error: 'access_denied', state: 'client-state', iss: server.origin });
  });
});

describe('the consent page', () => {
  async function consentPage(): Promise<{ browser: TestBrowser; page: string; response: Headers }> {
    const browser = new TestBrowser(CLIENT_REDIRECT);
    const id = await registeredClient(server, { client_name: '<script>alert("x")</script> Evil & Co' });
    const hop = await browser.open(authorizeUrl(server, { client_id: id, code_challenge: pkce().challenge }));
    expect(hop.status).toBe(200);
    return { browser, page: hop.body, response: hop.headers };
  }

  it('is escaped, cannot be framed, and posts one form with a CSRF value', async () => {
    const { page, response } = await consentPage();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Evil &amp; Co');
    expect(response.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.get('x-frame-options')).toBe('DENY');
    expect(response.get('cache-control')).toBe('no-store');
    expect(page.match(/<form /g)).toHaveLength(1);
    expect(formOf(page)!.fields).toEqual({ txn: expect.any(String), csrf: expect.any(String) });
    expect(page).toContain('127.0.0.1:9');
    expect(page).toMatch(/application on this computer/);
  });

  it('refuses a POST without the browser cookie or with a wrong CSRF value (403), and the transaction stays usable', async () => {
    const { browser, page } = await consentPage();
    const form = formOf(page)!;
    const mark = store.changes.length;
    const withoutCookie = await browser.submit(form, 'approve', 'nextmcp_as=someone-else');
    expect(withoutCookie.status).toBe(403);
    const wrongCsrf = await browser.submit({ ...form, fields: { ...form.fields, csrf: 'forged' } }, 'approve');
    expect(wrongCsrf.status).toBe(403);
    expect(store.since(mark)).toEqual([]);
    const approved = await browser.submit(form, 'approve');
    expect(approved.status).toBe(302);
    expect(new URL(approved.location!).searchParams.get('code')).toBeTruthy();
  });

  it('deny sends access_denied to the client, and nothing is remembered', async () => {
    const { browser, page } = await consentPage();
    const denied = await browser.submit(formOf(page)!, 'deny');
    const answer = new URL(denied.location!);
    expect(answer.searchParams.get('error')).toBe('access_denied');
    expect(answer.searchParams.get('code')).toBeNull();
    expect(answer.searchParams.get('state')).toBe('client-state');
  });

  it('a wider scope than the approved one asks again', async () => {
    const id = await registeredClient(server);
    await obtainCode(server, id, { scope: 'notes:read' });
    const again = await obtainCode(server, id, { scope: 'notes:read' });
    expect(again.browser.hops.some((hop) => hop.body.includes('<form'))).toBe(false);
    const wider = await obtainCode(server, id, { scope: 'notes:read notes:write' });
    expect(wider.browser.hops.some((hop) => hop.body.includes('<form'))).toBe(true);
  });

  it('is skipped for a trusted pre-registered client', async () => {
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
    const trusted = await startNotesServer(github, { clients: [{ clientId: 'first-party', redirectUris: [CLIENT_REDIRECT], trusted: true }] });
    try {
      const { browser } = await obtainCode(trusted, 'first-party');
      expect(browser.hops.some((hop) => hop.body.includes('<form'))).toBe(false);
    } finally {
      await trusted.close();
    }
  });
});
