import { interleave } from '../../bench/lib/interleave';
import { trimmedGeometricMean } from '../../bench/lib/stats';
import type { WindowSample } from '../../bench/lib/sample';
import type { Scenario } from '../../bench/lib/scenario';

/*
 * The bench's targets are read from these numbers, so the arithmetic and the pairing are pinned
 * here with scenarios whose "measurements" are scripted.
 */

/** A scenario whose n-th window reports `rates[n]` ops/s (and a p50 of 1e6 / rate µs). */
function scripted(name: string, baseline: string, rates: number[], log: string[]): Scenario {
  let n = 0;
  return {
    group: 'g',
    name,
    baseline,
    measure: async (windowMs): Promise<WindowSample> => {
      if (windowMs === 1) return { ops: 0, errors: 0, seconds: 0, opsPerSec: 0, p50: 0, p99: 0 }; // warm-up
      const rate = rates[n++ % rates.length];
      log.push(name);
      return { ops: rate, errors: 0, seconds: 1, opsPerSec: rate, p50: 1e6 / rate, p99: 2e6 / rate };
    },
  };
}

describe('trimmedGeometricMean', () => {
  it('is the geometric mean of what is left after dropping the lowest and highest tenth', () => {
    expect(trimmedGeometricMean([2, 8])).toBeCloseTo(4);
    // Ten values: one dropped at each end, so the outliers 0.01 and 100 do not count.
    expect(trimmedGeometricMean([0.01, 1, 1, 1, 1, 4, 4, 4, 4, 100])).toBeCloseTo(2);
    expect(trimmedGeometricMean([])).toBeNaN();
  });
});

describe('interleave with paired windows', () => {
  it('pairs every window with an adjacent baseline window, alternating which runs first', async () => {
    const log: string[] = [];
    const base = scripted('base', 'base', [100], log);
    const a = scripted('a', 'base', [50], log);
    await interleave([base, a], { warmupMs: 1, windowMs: 10, rounds: 4, paired: true });
    expect(log).toEqual(['a', 'base', 'base', 'a', 'a', 'base', 'base', 'a']);
  });

  it('takes each ratio against the pair’s own baseline window, so drift between pairs cancels', async () => {
    const log: string[] = [];
    // The machine halves its speed every round; within a pair both run at the same speed.
    const base = scripted('base', 'base', [100, 50, 25, 12.5], log);
    const a = scripted('a', 'base', [90, 45, 22.5, 11.25], log);
    const [, resultA] = await interleave([base, a], { warmupMs: 1, windowMs: 10, rounds: 4, paired: true });
    expect(resultA.ratio).toBeCloseTo(0.9);
    expect(resultA.p50Ratio).toBeCloseTo(1 / 0.9);
  });

  it('still measures a baseline that nothing is paired with, once per round', async () => {
    const log: string[] = [];
    const lone = scripted('lone', 'lone', [7], log);
    const base = scripted('base', 'base', [100], log);
    const a = scripted('a', 'base', [50], log);
    const results = await interleave([lone, base, a], { warmupMs: 1, windowMs: 10, rounds: 3, paired: true });
    expect(log.filter((n) => n === 'lone')).toHaveLength(3);
    expect(results[0]).toMatchObject({ name: 'lone', opsPerSec: 7, ratio: 1 });
  });
});
