import type { ScenarioResult } from './scenario';

function rate(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function micros(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(value >= 100 ? 0 : 1)} µs`;
}

/** A Markdown table of results, grouped as given. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const rows = [
    '| group | scenario | ops/s (median) | × baseline | p50 | p99 | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.group} | ${r.name} | ${rate(r.opsPerSec)} | ${r.name === r.baseline ? 'baseline' : `${r.ratio.toFixed(2)}×`} | ${micros(r.p50Us)} | ${micros(r.p99Us)} | ${r.errors}${r.errors > 0 ? ` of ${r.ops}` : ''} |`,
    ),
  ];
  return rows.join('\n');
}
