import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { BrowserContext } from 'playwright-core';
import { GitHubOAuthProvider } from '../../src';
import { describeWithBrowser, launchBrowser } from '../support/browser';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { authorizeUrl, pkce, redeem, register, startNotesServer, whoamiWith, type NotesServer } from '../support/authorization-server';

/*
 * Issue 12, item 2: the upstream login and our consent page in a real browser (chromium driven by
 * playwright-core): approve, deny, and a forged cross-site POST refused.
 */

describeWithBrowser('the consent page in a real browser', () => {
  let gh: FakeGitHub;
  let server: NotesServer;
  let app: Server;
  let attacker: Server;
  let appCallback: string;
  let attackerOrigin: string;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let attackPage = '';

  beforeAll(async () => {
    gh = await startFakeGitHub({ users: [{ id: 4242, login: 'octo' }] });
    const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
    server = await startNotesServer(github);
    // The MCP client's redirect target: a page that shows what it received.
    app = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`client received ${req.url}`));
    await new Promise<void>((done) => app.listen(0, '127.0.0.1', done));
    appCallback = `http://127.0.0.1:${(app.address() as { port: number }).port}/callback`;
    // Another site (localhost is not 127.0.0.1) serving a page that posts to our consent endpoint.
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage));
    await new Promise<void>((done) => attacker.listen(0, '127.0.0.1', done));
    attackerOrigin = `http://localhost:${(attacker.address() as { port: number }).port}`;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([app, attacker].map((s) => new Promise((done) => s?.close(done))));
    await gh?.stop();
  });

  async function startLogin(clientName: string) {
    const registered = await register(server, { client_name: clientName, redirect_uris: [appCallback] });
    const clientId = registered.body.client_id as string;
    const { verifier, challenge } = pkce();
    const page = await browser.context.newPage();
    await page.goto(authorizeUrl(server, { client_id: clientId, code_challenge: challenge, redirect_uri: appCallback }));
    return { page, clientId, verifier };
  }

  it('the user approves: the client receives a code that gets tokens for the GitHub user', async () => {
    const { page, clientId, verifier } = await startLogin('Claude <Desktop>');
    expect(await page.title()).toBe('Allow access?');
    expect(await page.locator('#client').textContent()).toBe('Claude <Desktop>');
    expect(await page.locator('#scopes').textContent()).toContain('notes:read');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.href.startsWith(appCallback));
    const answer = new URL(page.url());
    expect(answer.searchParams.get('state')).toBe('client-state');
    expect(answer.searchParams.get('iss')).toBe(server.origin);
    const tokens = await redeem(server, clientId, answer.searchParams.get('code')!, verifier, { redirect_uri: appCallback });
    expect(tokens.status).toBe(200);
    expect((await whoamiWith(server, tokens.body.access_token as string)).username).toBe('octo');
    await page.close();
  });

  it('the user denies: the client receives access_denied and no code', async () => {
    const { page } = await startLogin('Some client');
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((url) => url.href.startsWith(appCallback));
    const answer = new URL(page.url());
    expect(answer.searchParams.get('error')).toBe('access_denied');
    expect(answer.searchParams.get('code')).toBeNull();
    await page.close();
  });

  it('a POST forged by another site is refused (403) even with the page’s own values, and the real consent still works', async () => {
    const { page } = await startLogin('Victim client');
    const txn = await page.locator('input[name="txn"]').getAttribute('value');
    const csrf = await page.locator('input[name="csrf"]').getAttribute('value');
    attackPage = `<!doctype html><form id="f" method="post" action="${server.origin}/consent">
      <input type="hidden" name="txn" value="${txn}"><input type="hidden" name="csrf" value="${csrf}">
      <input type="hidden" name="decision" value="approve"></form><script>document.getElementById('f').submit()</script>`;
    const forged = await browser.context.newPage();
    const consentAnswer = forged.waitForResponse((response) => response.url() === `${server.origin}/consent`);
    await forged.goto(`${attackerOrigin}/`);
    const refused = await consentAnswer;
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('did not come from the consent page');
    expect(forged.url().startsWith(appCallback)).toBe(false);
    await forged.close();

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.href.startsWith(appCallback));
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    await page.close();
  });
});
