import { median } from './stats';
import type { WindowSample } from './sample';
import type { Scenario, ScenarioResult } from './scenario';

export interface InterleaveOptions {
  warmupMs: number;
  windowMs: number;
  rounds: number;
  /** Called after each window (progress output). */
  onWindow?: (scenario: Scenario, round: number, sample: WindowSample) => void;
}

/**
 * Warms every scenario up once, then runs `rounds` rounds in which each scenario gets one fixed
 * window; the order rotates every round so no scenario always runs first or after the same one.
 * Ratios are taken within a round (side by side), then the median over rounds.
 */
export async function interleave(scenarios: readonly Scenario[], options: InterleaveOptions): Promise<ScenarioResult[]> {
  for (const scenario of scenarios) await scenario.measure(options.warmupMs);
  const samples = new Map<Scenario, WindowSample[]>(scenarios.map((s) => [s, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < scenarios.length; i++) {
      const scenario = scenarios[(i + round) % scenarios.length];
      const sample = await scenario.measure(options.windowMs);
      samples.get(scenario)!.push(sample);
      options.onWindow?.(scenario, round, sample);
    }
  }
  return scenarios.map((scenario) => summarize(scenario, samples, scenarios));
}

function summarize(scenario: Scenario, samples: Map<Scenario, WindowSample[]>, all: readonly Scenario[]): ScenarioResult {
  const own = samples.get(scenario)!;
  const base = all.find((s) => s.group === scenario.group && s.name === scenario.baseline);
  const baseSamples = base ? samples.get(base)! : own;
  const ratios = own.map((sample, round) => sample.opsPerSec / baseSamples[round].opsPerSec);
  const firstError = own.find((s) => s.firstError !== undefined)?.firstError;
  return {
    group: scenario.group,
    name: scenario.name,
    baseline: scenario.baseline,
    opsPerSec: median(own.map((s) => s.opsPerSec)),
    ratio: median(ratios),
    p50Us: median(own.map((s) => s.p50)),
    p99Us: median(own.map((s) => s.p99)),
    errors: own.reduce((sum, s) => sum + s.errors, 0),
    ops: own.reduce((sum, s) => sum + s.ops, 0),
    ...(firstError !== undefined && { firstError }),
    rounds: own,
  };
}
