import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExampleReport, RunExample } from '../../examples/auth/shared/example';

/*
 * Every example under examples/auth runs as `npm run example -- NAME` does, without provider
 * credentials (so against the local GitHub/Google stand-ins and OIDC issuer), and its calls go
 * through the real MCP SDK client. Each test checks an allowed call and a refused one with the
 * error a user would see.
 */

const EXAMPLES = join(__dirname, '../../examples/auth');

async function run(name: string): Promise<{ report: ExampleReport; output: string }> {
  const lines: string[] = [];
  const { runExample } = (await import(join(EXAMPLES, name))) as { runExample: RunExample };
  const report = await runExample({ env: {}, log: (line) => lines.push(line) });
  return { report, output: lines.join('\n') };
}

const refused = (status: number | undefined, code: number, reason: string) => ({ ok: false, ...(status !== undefined && { status }), code, reason });
const allowed = (result: unknown) => ({ ok: true, result });

describe('examples/auth', () => {
  it('has a README and a smoke test for every example', () => {
    const folders = readdirSync(EXAMPLES).filter((name) => name !== 'shared' && statSync(join(EXAMPLES, name)).isDirectory());
    expect(folders.sort()).toEqual(
      [
        'audit-log',
        'combined-auth-server',
        'complete-oauth-server',
        'di-container',
        'express-mount',
        'github-oauth-server',
        'google-oauth-server',
        'manifest-server',
        'mixing',
        'multi-provider-server',
        'oauth-token-helper',
        'session-management-example',
        'stdio-desktop',
      ].sort(),
    );
    for (const folder of folders) expect(existsSync(join(EXAMPLES, folder, 'README.md'))).toBe(true);
  });

  it('github-oauth-server: signs in through the server; profile allowed, a scope it lacks refused (403)', async () => {
    const { report, output } = await run('github-oauth-server');
    expect(report.anonymous).toMatchObject(refused(401, -31001, 'authentication_required'));
    expect(report.profile).toEqual(allowed({ user_id: '1001', username: 'octocat', scopes: ['read:user'] }));
    expect(report.orgs).toMatchObject(refused(403, -31003, 'insufficient_scope'));
    expect(output).not.toMatch(/gho_\w{8}/); // tokens are never printed in full
  });

  it('google-oauth-server: profile allowed; drive.readonly refused (403); a forged token refused (401)', async () => {
    const { report } = await run('google-oauth-server');
    expect(report.profile).toEqual(allowed({ user_id: '110169484474386276334', email: 'alice@example.com', name: 'Alice' }));
    expect(report.drive).toMatchObject({ ...refused(403, -31003, 'insufficient_scope'), message: 'Insufficient scope: missing https://www.googleapis.com/auth/drive.readonly' });
    expect(report.forged).toMatchObject(refused(401, -31001, 'invalid_token'));
  });

  it('multi-provider-server: either provider; a Google-only tool refuses a GitHub token (401)', async () => {
    const { report } = await run('multi-provider-server');
    expect(report.whoamiGitHub).toMatchObject(allowed({ provider: 'github', user_id: '1001', username: 'octocat' }));
    expect(report.whoamiGoogle).toMatchObject({ ok: true, result: { provider: 'google', user_id: '1001' } });
    expect(report.wrongProvider).toMatchObject(refused(401, -31001, 'invalid_token'));
    expect(report.googleProfile).toEqual(allowed({ email: 'octo@example.com' }));
    expect(report.sessions).toEqual(allowed({ github: 1, google: 1 }));
  });

  it('manifest-server: the YAML manifest decides (roles, permissions, scopes)', async () => {
    const { report, output } = await run('manifest-server');
    expect(output).toContain('delete_all_data annotations: {"destructiveHint":true}');
    expect(report.viewerQuery).toMatchObject({ ok: true });
    expect(report.viewerUpdate).toMatchObject({ ...refused(403, -31003, 'forbidden'), message: 'Forbidden: requires one of the roles editor, admin' });
    expect(report.editorUpdate).toEqual(allowed({ user: 'Editor User', updated: 1 }));
    expect(report.editorDelete).toMatchObject({ ...refused(403, -31003, 'insufficient_scope'), message: 'Insufficient scope: missing admin:full' });
    expect(report.adminDelete).toEqual(allowed({ deleted: true, by: 'Admin User' }));
    expect(report.analystExport).toMatchObject({ ok: true });
  });

  it('combined-auth-server: API keys and GitHub, RBAC, decorators and a manifest, in memory', async () => {
    const { report } = await run('combined-auth-server');
    expect(report.viewerView).toMatchObject({ ok: true });
    expect(report.viewerEdit).toMatchObject(refused(undefined, -31003, 'forbidden'));
    expect(report.editorPost).toEqual(allowed({ title: 'Hello', author: 'editor1' }));
    expect(report.githubProfile).toMatchObject({ ok: true, result: { provider: 'github', roles: ['editor'] } });
    expect(report.githubRepo).toMatchObject({ ok: true, result: { scopes: expect.arrayContaining(['repo', 'repo:read']) } });
    expect(report.keyRepo).toMatchObject(refused(undefined, -31001, 'invalid_token'));
    expect(report.editorDanger).toMatchObject(refused(undefined, -31003, 'forbidden'));
    expect(report.adminDanger).toEqual(allowed({ performed_by: 'admin1' }));
  });

  it('complete-oauth-server: file sessions that survive a restart, refresh before expiry, 401 and 403', async () => {
    const { report } = await run('complete-oauth-server');
    expect(report.anonymous).toMatchObject(refused(401, -31001, 'authentication_required'));
    expect(report.profile).toMatchObject({ ok: true, result: { email: 'alice@example.com' } });
    // The session was put 60 s from expiry; the call saw a refreshed token (Google's 3599 s).
    expect((report.refreshed as { result: { google_token_expires_in: number } }).result.google_token_expires_in).toBeGreaterThan(3000);
    expect(report.afterRestart).toEqual(allowed({ active_sessions: 1 }));
    expect(report.files).toMatchObject(refused(403, -31003, 'insufficient_scope'));
  });

  it('session-management-example: the store API, then sign-out ends a session a revoked token lived on', async () => {
    const { report, output } = await run('session-management-example');
    expect(output).toContain('cleanupExpired() removed 1');
    expect(output).toContain('found by the old token: false');
    expect(output).toContain("accessToken: '[redacted]'");
    expect(report.first).toMatchObject({ ok: true, result: { user: 'octocat' } });
    expect(report.stillTrusted).toMatchObject({ ok: true });
    expect(report.signOut).toEqual(allowed({ signed_out: true }));
    expect(report.afterSignOut).toMatchObject(refused(401, -31001, 'invalid_token'));
  });

  it('oauth-token-helper: a token from `nextmcp login` works; the fix for a missing scope is logging in again', async () => {
    const { report, output } = await run('oauth-token-helper');
    expect(report.whoami).toEqual(allowed({ user: 'octocat', scopes: ['read:user'] }));
    expect(report.missingScope).toMatchObject({ ...refused(403, -31003, 'insufficient_scope'), message: 'Insufficient scope: missing repo' });
    expect(report.withRepo).toEqual(allowed({ repos: [] }));
    expect(output).toContain('saved to a file with mode 600');
  }, 30_000);

  it('di-container: provider, store and manifest from the container', async () => {
    const { report } = await run('di-container');
    expect(report.list).toEqual(allowed({ notes: [] }));
    expect(report.readerAdd).toMatchObject({ ...refused(403, -31003, 'insufficient_scope'), message: 'Insufficient scope: missing notes:write' });
    expect(report.writerAdd).toEqual(allowed({ count: 1 }));
    expect(report.after).toEqual(allowed({ notes: [{ author: 'writer', text: 'hello' }] }));
  });

  it('mixing: middleware AND decorators, @Public, a functional wrapper and a middleware of your own', async () => {
    const { report, output } = await run('mixing');
    expect(report.health).toEqual(allowed('ok'));
    expect(report.anonymousRead).toMatchObject(refused(undefined, -31001, 'authentication_required'));
    expect(report.readerRead).toMatchObject({ ok: true });
    expect(report.readerAdd).toMatchObject(refused(undefined, -31003, 'insufficient_scope'));
    expect(report.writerAdd).toEqual(allowed('added'));
    expect(report.writerEdit).toMatchObject(refused(undefined, -31003, 'forbidden'));
    expect(report.editorEdit).toEqual(allowed('edited'));
    expect(report.editorDelete).toEqual(allowed('deleted'));
    expect(report.editorExport).toMatchObject({ ...refused(undefined, -31003, 'insufficient_scope'), message: expect.stringContaining('missing notes:export') });
    expect(output).toContain('tools/call add_note by reader: Insufficient scope: missing notes:write');
  });

  it("express-mount: the app's routes beside the mounted MCP endpoint and login", async () => {
    const { report, output } = await run('express-mount');
    expect(output).toContain('GET /healthz → ok');
    expect(output).toContain('POST /api/echo → {"echoed":{"hello":"world"}}');
    expect(report.anonymous).toMatchObject(refused(401, -31001, 'authentication_required'));
    expect(report.whoami).toEqual(allowed({ user: 'octocat' }));
    expect(report.sync).toMatchObject(refused(403, -31003, 'insufficient_scope'));
  });

  it('stdio-desktop: the token from the environment, over stdio in a child process', async () => {
    const { report, output } = await run('stdio-desktop');
    expect(output).toContain('"NOTES_TOKEN": "gho_…"');
    expect(report.whoami).toEqual(allowed({ user: 'octocat', scopes: ['read:user'] }));
    expect(report.saveNote).toMatchObject(refused(undefined, -31003, 'insufficient_scope'));
    expect(report.missing).toMatchObject({ ...refused(undefined, -31001, 'authentication_required'), message: 'MCP error -31001: Authentication required' });
  }, 30_000);

  it('audit-log: every event as one JSON line, without a token', async () => {
    const { report, output } = await run('audit-log');
    expect(report.serviceRead).toEqual(allowed({ reader: 'report-bot' }));
    expect(report.servicePublish).toMatchObject(refused(403, -31003, 'insufficient_scope'));
    const events = (report.auditLines as { result: { event: string; target?: string | null; reason?: string }[] }).result;
    expect(events.map((e) => e.event)).toEqual([
      'auth:denied',
      'auth:allowed',
      'auth:denied',
      'session:created',
      'auth:allowed',
      'session:refresh_failed',
      'auth:denied',
      'session:deleted',
    ]);
    expect(events[0]).toMatchObject({ target: null, reason: 'authentication_required' });
    expect(output).not.toMatch(/gho_\w{8}|svc_\w{8}/);
  });
});
