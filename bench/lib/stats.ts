/** Order statistics over small arrays of numbers (latencies, per-round rates). */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The geometric mean of `values` after dropping the lowest and highest `trim` fraction: for ratios
 * of rates, whose noise is multiplicative, it uses every pair (the median keeps only the middle
 * ones) while one window hit by a full GC or a stalled neighbour cannot sway it.
 */
export function trimmedGeometricMean(values: readonly number[], trim = 0.1): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const cut = Math.floor(sorted.length * trim);
  const kept = sorted.subarray(cut, sorted.length - cut);
  let logSum = 0;
  for (const value of kept) logSum += Math.log(value);
  return Math.exp(logSum / kept.length);
}

/** Nearest-rank percentile (`p` in 0…100) of `values`; NaN for an empty array. */
export function percentile(values: readonly number[] | Float64Array, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
