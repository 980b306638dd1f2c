import { percentile } from './stats';

/** What one fixed window of one scenario measured. */
export interface WindowSample {
  ops: number;
  errors: number;
  seconds: number;
  opsPerSec: number;
  /** Microseconds. */
  p50: number;
  p99: number;
  /** The first wrong answer seen, to say why errors were counted. */
  firstError?: string;
}

/** Collects per-operation latencies (nanoseconds) and errors during one window. */
export class LatencyRecorder {
  private latencies = new Float64Array(1 << 16);
  private count = 0;
  errors = 0;
  firstError?: string;

  record(nanoseconds: number): void {
    if (this.count === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.count++] = nanoseconds;
  }

  fail(reason: string): void {
    this.errors += 1;
    this.firstError ??= reason;
  }

  sample(seconds: number): WindowSample {
    const measured = this.latencies.subarray(0, this.count);
    return {
      ops: this.count,
      errors: this.errors,
      seconds,
      opsPerSec: (this.count - this.errors) / seconds,
      p50: percentile(measured, 50) / 1000,
      p99: percentile(measured, 99) / 1000,
      ...(this.firstError !== undefined && { firstError: this.firstError }),
    };
  }
}
