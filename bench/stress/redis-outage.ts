import type { Agent } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { percentile } from '../lib/stats';
import type { RedisServerProcess } from '../../test/support/redis';
import { callWhoami, type Caller } from './callers';

interface Exchange {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  status: number;
}

export interface OutageResult {
  downMs: number;
  requestsWhileDown: number;
  failuresWhileDown: number;
  /** Statuses of the failed requests (whole run). */
  failedStatuses: Record<number, number>;
  /** How long a refused request waited for its refusal (fail-closed time). */
  refusalP50Ms: number;
  refusalMaxMs: number;
  /** From Redis stopping to the first refusal; undefined when no request failed. */
  firstRefusalMs: number | undefined;
  /** From Redis answering PING again to the end of the last failure (0 when none came after). */
  recoveryMs: number | undefined;
  succeededAfter: number;
}

/**
 * Keeps 8 callers calling `whoami` while the server's Redis is killed for `downMs` and started
 * again, and times when requests start failing and when they succeed again.
 */
export async function redisOutage(agent: Agent, url: URL, callers: Caller[], redis: RedisServerProcess, downMs: number): Promise<OutageResult> {
  const exchanges: Exchange[] = [];
  let running = true;
  const worker = async (w: number): Promise<void> => {
    for (let i = w; running; i += 8) {
      const startedAt = performance.now();
      const { outcome, status } = await callWhoami(agent, url, callers[i % callers.length], i);
      exchanges.push({ startedAt, endedAt: performance.now(), ok: outcome === undefined, status });
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  await delay(2000);
  const stoppedAt = performance.now();
  await redis.stop();
  await delay(downMs);
  await redis.start(); // resolves once it answers PING
  const backAt = performance.now();
  await delay(5000);
  running = false;
  await Promise.all(workers);

  const failures = exchanges.filter((e) => !e.ok);
  const whileDown = exchanges.filter((e) => e.startedAt >= stoppedAt && e.startedAt < backAt);
  const failedStatuses: Record<number, number> = {};
  for (const f of failures) failedStatuses[f.status] = (failedStatuses[f.status] ?? 0) + 1;
  const refusalMs = failures.map((f) => f.endedAt - f.startedAt);
  const firstFailure = failures.find((f) => f.endedAt >= stoppedAt);
  const lastFailure = failures.at(-1);
  return {
    downMs: backAt - stoppedAt,
    requestsWhileDown: whileDown.length,
    failuresWhileDown: whileDown.filter((e) => !e.ok).length,
    failedStatuses,
    refusalP50Ms: percentile(refusalMs, 50),
    refusalMaxMs: refusalMs.length > 0 ? Math.max(...refusalMs) : Number.NaN,
    firstRefusalMs: firstFailure && firstFailure.endedAt - stoppedAt,
    recoveryMs: lastFailure && Math.max(0, lastFailure.endedAt - backAt),
    succeededAfter: exchanges.filter((e) => e.ok && e.startedAt >= backAt).length,
  };
}
