import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type WindowSample } from './sample';

/**
 * One operation of a scenario. It resolves to `undefined` when the answer was right and to a
 * short reason when it was wrong; a rejection counts as an error too.
 */
export type Operation = (sequence: number) => Promise<string | undefined>;

/**
 * Runs `operation` for `windowMs`, keeping `inFlight` calls going (1 = sequential), and times
 * each call. Throughput counts only correct answers.
 */
export async function runWindow(operation: Operation, windowMs: number, inFlight = 1): Promise<WindowSample> {
  const recorder = new LatencyRecorder();
  const started = performance.now();
  const deadline = started + windowMs;
  let sequence = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      const n = sequence++;
      const t0 = process.hrtime.bigint();
      let wrong: string | undefined;
      try {
        wrong = await operation(n);
      } catch (error) {
        wrong = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      recorder.record(Number(process.hrtime.bigint() - t0));
      if (wrong !== undefined) recorder.fail(wrong);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return recorder.sample((performance.now() - started) / 1000);
}
