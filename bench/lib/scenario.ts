import type { WindowSample } from './sample';

/** Something measured for a fixed window at a time, side by side with its baseline. */
export interface Scenario {
  /** Table section: `in-process`, `http`, `stores`. */
  group: string;
  name: string;
  /** The scenario (same group) whose rate this one is divided by; its own name for a baseline. */
  baseline: string;
  measure(windowMs: number): Promise<WindowSample>;
}

/** `sequential` or `32 in flight`: part of each scenario's name where load levels are measured side by side. */
export function loadLabel(inFlight: number): string {
  return inFlight === 1 ? 'sequential' : `${inFlight} in flight`;
}

/** A scenario that holds servers, clients or files until closed. */
export interface OpenScenario extends Scenario {
  close(): Promise<void>;
}

/** A scenario's summary over the measured rounds (warm-up excluded). */
export interface ScenarioResult {
  group: string;
  name: string;
  baseline: string;
  /** Median over rounds of correct operations per second. */
  opsPerSec: number;
  /**
   * Median over rounds of (this round's rate / the baseline's rate in the same round); with paired
   * windows, the trimmed geometric mean over pairs of (this window's rate / its pair's).
   */
  ratio: number;
  /** Medians over rounds, microseconds. */
  p50Us: number;
  /** With paired windows: the trimmed geometric mean over pairs of (this p50 / its pair's p50). */
  p50Ratio?: number;
  p99Us: number;
  /** Wrong answers and failures over all measured rounds. */
  errors: number;
  ops: number;
  firstError?: string;
  rounds: WindowSample[];
}
