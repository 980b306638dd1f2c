/**
 * `npm run stress` (issue 14; not part of `npm test`): a NextMCP server with JwtProvider and
 * RedisSessionStore over HTTP, in its own process, under load and abuse. Prints: 64 callers in
 * flight for 30 s (errors and crossed identities must be 0), server memory after 50k requests and
 * after 10k abandoned MCP sessions, 401 throughput for tokens that cannot verify, a Redis outage
 * (JWT callers must not notice; GitHub callers, whose sessions live in Redis, fail closed with 503
 * and recover: how fast), and kill -9 of a FileSessionStore writer (sessions lost must be 0).
 * Uses a private `redis-server` on a free port. `--quick` runs everything small.
 */
import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { CleanupStack } from '../lib/cleanup';
import { machineInfo } from '../lib/machine';
import { startLocalIssuer } from '../fixtures/local-jwks';
import { RedisServerProcess } from '../../test/support/redis';
import { abandonSessions } from './abandoned-sessions';
import { callWhoami, mintCallers } from './callers';
import { closedLoop, type LoopResult } from './closed-loop';
import { killFileStoreWriter } from './file-store-kill';
import { sendGarbageTokens } from './garbage-tokens';
import { keepAliveAgent } from './http-post';
import { redisOutage } from './redis-outage';
import { ServerProcess } from './server-process';
import type { MemoryFigures } from './server-protocol';

const quick = process.argv.includes('--quick');
const settings = {
  loadMs: quick ? 3000 : 30_000,
  requestsForMemory: quick ? 5000 : 50_000,
  abandonedSessions: quick ? 1000 : 10_000,
  sessionUsers: 100,
  idleTimeoutMs: quick ? 3000 : 10_000,
  garbageMs: quick ? 2000 : 10_000,
  redisDownMs: quick ? 2000 : 5000,
  killAfterMs: 1500,
};

function progress(message: string): void {
  process.stderr.write(`[stress] ${message}\n`);
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function memoryLine(label: string, memory: MemoryFigures): string {
  return `${label}: rss ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)}`;
}

function loopLine(result: LoopResult): string {
  return `${result.requests} requests in ${(result.elapsedMs / 1000).toFixed(1)} s = ${Math.round(result.perSecond)}/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, errors ${result.errors}${result.reasons.length > 0 ? ` (${result.reasons.join('; ')})` : ''}`;
}

function ms(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? 'n/a' : `${Math.round(value)} ms`;
}

async function main(): Promise<void> {
  const cleanup = new CleanupStack();
  const report: string[] = [];
  const failed: string[] = [];
  const mustBeZero = (what: string, value: number) => {
    if (value !== 0) failed.push(`${what}: ${value}, must be 0`);
  };
  const print = (line: string) => {
    report.push(line);
    progress(line);
  };
  try {
    const redis = await RedisServerProcess.start();
    cleanup.push('redis-server', () => redis.stop());
    const machine = await machineInfo(redis.url);
    print(`machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAverage}, node ${machine.node}, redis ${machine.versions.redis}, commit ${machine.commit ?? '?'} (shared and noisy: figures are indicative)`);
    const issuer = await startLocalIssuer();
    cleanup.push('issuer', () => issuer.close());
    const server = await ServerProcess.start({
      STRESS_ISSUER: issuer.url,
      STRESS_JWKS_URI: issuer.jwksUri,
      STRESS_REDIS_URL: redis.url,
      STRESS_IDLE_MS: String(settings.idleTimeoutMs),
    });
    cleanup.push('server', () => server.stop());
    const agent = keepAliveAgent(64);
    cleanup.push('agent', async () => agent.destroy());
    const callers = await mintCallers(issuer, server.stateless, 32);
    const asCaller = (sequence: number) => callWhoami(agent, server.stateless, callers[sequence % callers.length], sequence);

    progress('warming up');
    await closedLoop({ inFlight: 64, count: 2000 }, asCaller);
    const atStart = await server.memory();
    print(memoryLine('server memory after warm-up (2k requests)', atStart));

    progress(`64 in flight for ${settings.loadMs / 1000} s`);
    const load = await closedLoop({ inFlight: 64, durationMs: settings.loadMs }, asCaller);
    print(`64 in flight, ${callers.length} users, stateless JWT over HTTP: ${loopLine(load)}`);
    mustBeZero('errors (including crossed identities) at 64 in flight', load.errors);

    progress(`${settings.requestsForMemory} more requests`);
    const more = await closedLoop({ inFlight: 64, count: settings.requestsForMemory }, asCaller);
    print(`${settings.requestsForMemory} requests at 64 in flight: ${loopLine(more)}`);
    mustBeZero(`errors in ${settings.requestsForMemory} requests`, more.errors);
    print(memoryLine(`server memory after ${settings.requestsForMemory} more requests`, await server.memory()));

    progress(`${settings.abandonedSessions} abandoned MCP sessions`);
    const abandoned = await abandonSessions(agent, server.stateful, issuer, settings.abandonedSessions, settings.sessionUsers);
    print(`abandoned MCP sessions: ${abandoned.opened} opened by ${settings.sessionUsers} users in ${(abandoned.elapsedMs / 1000).toFixed(1)} s, refused ${JSON.stringify(abandoned.refused)}`);
    print(memoryLine(`server memory with ${abandoned.opened} abandoned sessions open`, await server.memory()));
    await delay(settings.idleTimeoutMs + 2000);
    print(memoryLine(`server memory after sessionIdleTimeoutMs (${settings.idleTimeoutMs} ms) closed them`, await server.memory()));

    for (const kind of ['random', 'bad-signature'] as const) {
      progress(`garbage tokens (${kind})`);
      const garbage = await sendGarbageTokens(agent, server.stateless, kind, callers[0], settings.garbageMs);
      print(`401 throughput, ${kind} tokens at 64 in flight: ${loopLine(garbage)}`);
      mustBeZero(`answers other than 401 to ${kind} tokens`, garbage.errors);
    }

    progress(`Redis down for ${settings.redisDownMs / 1000} s under load`);
    const outages = await redisOutage(
      agent,
      [
        { label: 'JWT callers (the store is not asked)', url: server.stateless, callers },
        { label: 'GitHub callers (sessions in Redis)', url: server.oauth, callers: server.oauthCallers },
      ],
      redis,
      settings.redisDownMs,
    );
    for (const outage of outages) {
      print(
        `Redis stop/start (down ${ms(outage.downMs)}), ${outage.label}: ${outage.failuresWhileDown} of ${outage.requestsWhileDown} requests failed while down, statuses of all failures ${JSON.stringify(outage.failedStatuses)}; ` +
          `first refusal ${ms(outage.firstRefusalMs)} after the stop; fail-closed time p50 ${ms(outage.refusalP50Ms)}, max ${ms(outage.refusalMaxMs)}; ` +
          `recovered ${ms(outage.recoveryMs)} after Redis answered again; ${outage.succeededAfter} succeeded after`,
      );
    }
    const [jwtOutage, oauthOutage] = outages;
    mustBeZero('JWT calls failed while Redis was down', jwtOutage.failuresWhileDown);
    if (oauthOutage.succeededAfter === 0) failed.push('GitHub callers: no call succeeded after Redis came back');
    const otherStatuses = Object.keys(oauthOutage.failedStatuses).filter((status) => status !== '503');
    if (otherStatuses.length > 0) failed.push(`GitHub callers failed with ${otherStatuses.join(', ')} (only 503 is fail-closed)`);
    await cleanup.run(cleanup.mark - 3); // the server, its agent and the issuer

    progress('kill -9 of a FileSessionStore writer');
    const killed = await killFileStoreWriter(settings.killAfterMs);
    print(
      `kill -9 with FileSessionStore: ${killed.acknowledged} saves acknowledged, lost ${killed.lost}, corrupt ${killed.corrupt}; ` +
        `temp files of the interrupted write ${killed.tempFilesAfterKill}, left after a store started a minute later ${killed.tempFilesAfterSweep}`,
    );
    mustBeZero('sessions lost to kill -9', killed.lost);
    mustBeZero('corrupt sessions after kill -9', killed.corrupt);
    mustBeZero('temp files left after the start-up sweep', killed.tempFilesAfterSweep);
  } finally {
    await cleanup.run();
  }
  process.stdout.write(`\nnpm run stress${quick ? ' --quick' : ''}\n${report.map((line) => `- ${line}`).join('\n')}\n`);
  for (const failure of failed) process.stdout.write(`FAILED: ${failure}\n`);
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
