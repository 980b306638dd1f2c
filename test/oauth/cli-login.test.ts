import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';

const ROOT = resolve(__dirname, '../..');

/** `nextmcp …` run from source with ts-node, as `npx nextmcp …` runs dist/cli/index.js. */
class CliRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  /** Resolves with the authorization URL once the CLI prints it. */
  async authorizationUrl(): Promise<string> {
    for (let waited = 0; waited < 15_000; waited += 50) {
      const url = /^\s+(http\S+)$/m.exec(this.stderr)?.[1];
      if (url) return url;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no authorization URL; stderr: ${this.stderr}`);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

describe('nextmcp login (CLI, end to end)', () => {
  let gh: FakeGitHub;
  let google: FakeGoogle;
  let dir: string;
  const runs: CliRun[] = [];

  const githubEnv = () => ({
    NEXTMCP_GITHUB_CLIENT_ID: gh.clientId,
    NEXTMCP_GITHUB_CLIENT_SECRET: gh.clientSecret,
    NEXTMCP_GITHUB_AUTHORIZATION_URL: gh.endpoints.authorizationUrl,
    NEXTMCP_GITHUB_TOKEN_URL: gh.endpoints.tokenUrl,
    NEXTMCP_GITHUB_API_BASE_URL: gh.endpoints.apiBaseUrl,
  });
  const cli = (args: string[], env: Record<string, string>) => {
    const run = new CliRun(args, env);
    runs.push(run);
    return run;
  };

  beforeAll(async () => {
    gh = await startFakeGitHub({ users: [{ id: 4242, login: 'cli-user' }] });
    google = await startFakeGoogle();
    dir = await mkdtemp(join(tmpdir(), 'nextmcp-cli-'));
  });
  afterEach(() => runs.splice(0).forEach((run) => run.kill()));
  afterAll(async () => {
    await gh.stop();
    await google.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in with GitHub through the loopback listener and saves the token (0600)', async () => {
    const file = join(dir, 'github-token.json');
    const run = cli(['login', 'github', '--scopes', 'read:user,repo', '--save', file], githubEnv());
    const url = new URL(await run.authorizationUrl());
    expect(url.origin).toBe(gh.url);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('scope')).toBe('read:user repo');

    // The browser: provider redirects to the loopback listener, which answers with a page.
    const atProvider = await fetch(url, { redirect: 'manual' });
    const page = await fetch(atProvider.headers.get('location')!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('return to the terminal');

    expect(await run.exited).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({
      provider: 'github',
      user_id: '4242',
      username: 'cli-user',
      token: { access_token: expect.stringMatching(/^gho_/), token_type: 'bearer', scope: 'read:user repo' },
    });
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Token saved to');
    expect(run.stderr).not.toContain(saved.token.access_token);
  });

  it('logs in with Google and prints the token JSON on stdout', async () => {
    const run = cli(['login', 'google', '--client-id', google.clientId], {
      NEXTMCP_GOOGLE_CLIENT_SECRET: google.clientSecret,
      NEXTMCP_GOOGLE_AUTHORIZATION_URL: google.endpoints.authorizationUrl,
      NEXTMCP_GOOGLE_TOKEN_URL: google.endpoints.tokenUrl,
      NEXTMCP_GOOGLE_USERINFO_URL: google.endpoints.userInfoUrl,
      NEXTMCP_GOOGLE_TOKENINFO_URL: google.endpoints.tokenInfoUrl,
      NEXTMCP_GOOGLE_JWKS_URI: google.endpoints.jwksUri,
    });
    const url = new URL(await run.authorizationUrl());
    expect(url.searchParams.get('access_type')).toBe('offline');
    const atProvider = await fetch(url, { redirect: 'manual' });
    await (await fetch(atProvider.headers.get('location')!)).text();

    expect(await run.exited).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({
      provider: 'google',
      username: 'alice@example.com',
      scopes: expect.arrayContaining(['email', 'profile', 'openid']),
      expires_at: expect.any(Number),
      token: { refresh_token: expect.any(String), id_token: expect.any(String) },
    });
  });

  it('ignores a stray callback with an unknown state, and fails on access_denied', async () => {
    const run = cli(['login', 'github'], githubEnv());
    const url = new URL(await run.authorizationUrl());
    const callback = new URL(url.searchParams.get('redirect_uri')!);

    const stray = await fetch(`${callback}?code=x&state=github.forged-state-value`);
    expect(stray.status).toBe(400);
    expect(run.child.exitCode).toBeNull();

    const denied = await fetch(`${callback}?error=access_denied&state=${url.searchParams.get('state')}`);
    expect(denied.status).toBe(400);
    expect(await run.exited).toBe(1);
    expect(run.stderr).toContain('Login failed: Authorization was not granted (error "access_denied")');
  });

  it('exits with a usage error when no client id is configured', async () => {
    const run = cli(['login', 'github'], {});
    expect(await run.exited).toBe(2);
    expect(run.stderr).toContain('NEXTMCP_GITHUB_CLIENT_ID');
    expect(run.stderr).toContain('Usage: nextmcp login');
  });
});
