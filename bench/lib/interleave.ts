import { median, trimmedGeometricMean } from './stats';
import type { WindowSample } from './sample';
import type { Scenario, ScenarioResult } from './scenario';

export interface InterleaveOptions {
  warmupMs: number;
  windowMs: number;
  rounds: number;
  /**
   * Pair every scenario's window with a window of its baseline right next to it (their order
   * alternating by round), and take its ratio against that window instead of the round's one
   * baseline window: on a shared machine, conditions drift within a round more than between two
   * adjacent windows. The scenario's ratio is then the trimmed geometric mean of its pairs'.
   */
  paired?: boolean;
  /** Called after each window (progress output). */
  onWindow?: (scenario: Scenario, round: number, sample: WindowSample) => void;
}

/**
 * Warms every scenario up once, then runs `rounds` rounds in which each scenario gets one fixed
 * window; the order rotates every round so no scenario always runs first or after the same one.
 * Ratios are taken within a round (side by side), then the median over rounds (with `paired`, as
 * described there).
 */
export async function interleave(scenarios: readonly Scenario[], options: InterleaveOptions): Promise<ScenarioResult[]> {
  for (const scenario of scenarios) await scenario.measure(options.warmupMs);
  const samples = new Map<Scenario, WindowSample[]>(scenarios.map((s) => [s, []]));
  const ratios = new Map<Scenario, number[]>(scenarios.map((s) => [s, []]));
  const p50Ratios = new Map<Scenario, number[]>(scenarios.map((s) => [s, []]));
  const measure = async (scenario: Scenario, round: number): Promise<WindowSample> => {
    const sample = await scenario.measure(options.windowMs);
    samples.get(scenario)!.push(sample);
    options.onWindow?.(scenario, round, sample);
    return sample;
  };
  for (let round = 0; round < options.rounds; round++) {
    if (options.paired) {
      const measured = scenarios.filter((s) => baselineOf(s, scenarios) !== s);
      for (let i = 0; i < measured.length; i++) {
        const scenario = measured[(i + round) % measured.length];
        const base = baselineOf(scenario, scenarios);
        let own: WindowSample;
        let baseline: WindowSample;
        if (round % 2 === 0) {
          own = await measure(scenario, round);
          baseline = await measure(base, round);
        } else {
          baseline = await measure(base, round);
          own = await measure(scenario, round);
        }
        ratios.get(scenario)!.push(own.opsPerSec / baseline.opsPerSec);
        p50Ratios.get(scenario)!.push(own.p50 / baseline.p50);
      }
      // A baseline nothing is paired with still gets its window each round.
      for (const alone of scenarios.filter((s) => baselineOf(s, scenarios) === s && !measured.some((m) => baselineOf(m, scenarios) === s))) {
        await measure(alone, round);
      }
    } else {
      for (let i = 0; i < scenarios.length; i++) await measure(scenarios[(i + round) % scenarios.length], round);
    }
  }
  return scenarios.map((scenario) => {
    // Unpaired (and for a baseline itself): each window against its baseline's window of that round.
    if (!options.paired || baselineOf(scenario, scenarios) === scenario) {
      const base = samples.get(baselineOf(scenario, scenarios))!;
      ratios.set(scenario, samples.get(scenario)!.map((sample, round) => sample.opsPerSec / base[round].opsPerSec));
    }
    const paired = options.paired === true && baselineOf(scenario, scenarios) !== scenario;
    const result = summarize(scenario, samples.get(scenario)!, paired ? trimmedGeometricMean(ratios.get(scenario)!) : median(ratios.get(scenario)!));
    return paired ? { ...result, p50Ratio: trimmedGeometricMean(p50Ratios.get(scenario)!) } : result;
  });
}

/** The scenario's baseline among `all` (itself when it is one, or names none that is there). */
function baselineOf(scenario: Scenario, all: readonly Scenario[]): Scenario {
  return all.find((s) => s.group === scenario.group && s.name === scenario.baseline) ?? scenario;
}

function summarize(scenario: Scenario, own: WindowSample[], ratio: number): ScenarioResult {
  const firstError = own.find((s) => s.firstError !== undefined)?.firstError;
  return {
    group: scenario.group,
    name: scenario.name,
    baseline: scenario.baseline,
    opsPerSec: median(own.map((s) => s.opsPerSec)),
    ratio,
    p50Us: median(own.map((s) => s.p50)),
    p99Us: median(own.map((s) => s.p99)),
    errors: own.reduce((sum, s) => sum + s.errors, 0),
    ops: own.reduce((sum, s) => sum + s.ops, 0),
    ...(firstError !== undefined && { firstError }),
    rounds: own,
  };
}
