import { createWriteStream } from 'node:fs';
import { ApiKeyProvider } from '../../../src/auth';
import { MemorySessionStore, SessionData } from '../../../src/session';
import { callOverHttp, ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { useGitHub } from '../shared/providers';
import { createAuditedServer, writeAuditLog } from './server';

/** `npm run example -- audit-log` (AUDIT_LOG=path appends the lines to a file, mode 0600, instead of printing them). */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const github = await useGitHub(env, {});
  const sessions = new MemorySessionStore();
  const serviceKey = ApiKeyProvider.generateKey('svc_');
  const mcp = createAuditedServer(github.provider, { [serviceKey]: { userId: 'report-bot', scopes: ['reports:read'] } }, sessions);
  const lines: string[] = [];
  const file = env.AUDIT_LOG ? createWriteStream(env.AUDIT_LOG, { flags: 'a', mode: 0o600 }) : undefined;
  writeAuditLog(mcp, (line) => {
    lines.push(line);
    if (file) file.write(`${line}\n`);
    else out.line(`  audit ${line}`);
  });
  const { url } = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: Number(env.PORT ?? 0) });
  const close = async () => {
    await mcp.close();
    await github.close();
    file?.end();
  };
  out.line(`Audited server at ${url}${file ? `; audit lines appended to ${env.AUDIT_LOG}` : ''}`);
  if (!github.local || serve) {
    out.line(`Service key (X-API-Key): ${serviceKey}; or a GitHub token as "Authorization: Bearer <token>".`);
    serveUntilInterrupted(out, close);
    return {};
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  try {
    out.step('1. A client without credentials: refused before initialize (target null)');
    const anonymous = out.outcome('initialize', await callOverHttp(url!, {}, 'read_report'));
    await settle();

    out.step('2. The service key: one call allowed, one refused (insufficient scope)');
    const serviceRead = out.outcome('read_report', await callOverHttp(url!, { 'x-api-key': serviceKey }, 'read_report'));
    const servicePublish = out.outcome('publish_report', await callOverHttp(url!, { 'x-api-key': serviceKey }, 'publish_report'));
    await settle();

    out.step("3. A GitHub user's first call creates their session");
    const token = github.local.issueToken('octocat', ['read:user']);
    const userRead = out.outcome('read_report', await callOverHttp(url!, { authorization: `Bearer ${token}` }, 'read_report'));
    await settle();

    out.step('4. The session nears expiry and GitHub refuses its refresh token: refresh_failed, then a refusal');
    const session = (await sessions.load('1001', 'github'))!;
    await sessions.save(new SessionData({ ...session.toJSON(), refreshToken: 'ghr_revoked', expiresAt: Math.floor(Date.now() / 1000) + 60 }));
    const afterFailedRefresh = out.outcome('read_report', await callOverHttp(url!, { authorization: `Bearer ${token}` }, 'read_report'));
    await settle();

    out.step('5. The application signs the user out: the delete through the store is audited too');
    await sessions.delete('1001', 'github');
    await settle();
    return { anonymous, serviceRead, servicePublish, userRead, afterFailedRefresh, auditLines: { ok: true, result: lines.map((line) => JSON.parse(line) as unknown) } };
  } finally {
    await close();
  }
}

