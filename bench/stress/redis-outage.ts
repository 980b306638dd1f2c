import type { Agent } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { percentile } from '../lib/stats';
import type { RedisServerProcess } from '../../test/support/redis';
import { callWhoami, type Caller } from './callers';

/** Callers of one endpoint, kept calling through the outage. */
export interface OutageGroup {
  label: string;
  url: URL;
  callers: Caller[];
}

interface Exchange {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  status: number;
}

export interface OutageResult {
  label: string;
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
 * Keeps 8 callers per group calling `whoami` while the server's Redis is killed for `downMs` and
 * started again, and times, per group, when requests start failing and when they succeed again.
 */
export async function redisOutage(agent: Agent, groups: OutageGroup[], redis: RedisServerProcess, downMs: number): Promise<OutageResult[]> {
  const exchanges = groups.map((): Exchange[] => []);
  let running = true;
  const worker = async (g: number, w: number): Promise<void> => {
    const { url, callers } = groups[g];
    for (let i = w; running; i += 8) {
      const startedAt = performance.now();
      const { outcome, status } = await callWhoami(agent, url, callers[i % callers.length], i);
      exchanges[g].push({ startedAt, endedAt: performance.now(), ok: outcome === undefined, status });
    }
  };
  const workers = groups.flatMap((_, g) => Array.from({ length: 8 }, (_, w) => worker(g, w)));
  await delay(2000);
  const stoppedAt = performance.now();
  await redis.stop();
  await delay(downMs);
  await redis.start(); // resolves once it answers PING
  const backAt = performance.now();
  await delay(5000);
  running = false;
  await Promise.all(workers);
  return groups.map((group, g) => summarize(group.label, exchanges[g], stoppedAt, backAt));
}

function summarize(label: string, exchanges: Exchange[], stoppedAt: number, backAt: number): OutageResult {
  const failures = exchanges.filter((e) => !e.ok);
  const whileDown = exchanges.filter((e) => e.startedAt >= stoppedAt && e.startedAt < backAt);
  const failedStatuses: Record<number, number> = {};
  for (const f of failures) failedStatuses[f.status] = (failedStatuses[f.status] ?? 0) + 1;
  const refusalMs = failures.map((f) => f.endedAt - f.startedAt);
  const firstFailure = failures.find((f) => f.endedAt >= stoppedAt);
  const lastFailure = failures.at(-1);
  return {
    label,
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
