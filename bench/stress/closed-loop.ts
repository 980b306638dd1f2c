import { percentile } from '../lib/stats';

/** What one request of a closed loop reports: undefined when right, else why it is wrong. */
export type Outcome = string | undefined;

export interface LoopResult {
  requests: number;
  errors: number;
  /** The first few distinct reasons, to print. */
  reasons: string[];
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Keeps `inFlight` requests going until `durationMs` has passed or `count` requests were sent,
 * whichever comes first; each worker sends its next request as soon as its last one is answered.
 */
export async function closedLoop(
  options: { inFlight: number; durationMs?: number; count?: number },
  send: (sequence: number) => Promise<{ outcome: Outcome; ms: number }>,
): Promise<LoopResult> {
  const deadline = performance.now() + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  const reasons = new Set<string>();
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (sent < limit && performance.now() < deadline) {
      const sequence = sent++;
      const { outcome, ms } = await send(sequence);
      latencies.push(ms);
      if (outcome !== undefined) {
        errors += 1;
        if (reasons.size < 5) reasons.add(outcome);
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const elapsedMs = performance.now() - started;
  return {
    requests: latencies.length,
    errors,
    reasons: [...reasons],
    elapsedMs,
    perSecond: (latencies.length * 1000) / elapsedMs,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
