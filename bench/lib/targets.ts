import { median } from './stats';
import type { ScenarioResult } from './scenario';
import type { RefreshStormResult } from '../refresh/refresh-storm';
import { IMPORT_NEXTMCP, type ImportResult } from '../import/import-cost';
import { ISSUED_TOKEN_REDIS, ONE_REDIS_READ } from '../auth-server/scenarios';

/** One target of issue 6 and where this run stands. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface TargetInputs {
  results: readonly ScenarioResult[];
  refresh?: RefreshStormResult;
  imports?: readonly ImportResult[];
}

function find(results: readonly ScenarioResult[], name: string): ScenarioResult | undefined {
  return results.find((r) => r.name === name);
}

/** Median over rounds of a / b, both measured in the same rounds. */
function sideBySide(a: ScenarioResult, b: ScenarioResult): number {
  return median(a.rounds.map((sample, i) => sample.opsPerSec / b.rounds[i].opsPerSec));
}

function ratioTarget(r: ScenarioResult | undefined, target: string, floor: number): TargetCheck[] {
  if (!r) return [];
  return [{ target, measured: `${r.ratio.toFixed(2)}×${r.errors ? `, ${r.errors} errors` : ''}`, met: r.ratio >= floor && r.errors === 0 }];
}

/** The targets of issue 6 that this run's results can answer. */
export function checkTargets({ results, refresh, imports }: TargetInputs): TargetCheck[] {
  // Sequential calls; the same pairs with 32 calls in flight are in the results table beside them.
  const checks: TargetCheck[] = [
    ...ratioTarget(find(results, 'NextMCP + JwtProvider (RS256, JWKS) [sequential]'), 'in-process: NextMCP + JwtProvider ≥ 0.90× raw SDK (sequential)', 0.9),
    ...ratioTarget(find(results, 'NextMCP, no auth [sequential]'), 'in-process: NextMCP without auth ≥ 0.95× raw SDK (sequential)', 0.95),
  ];
  const next = find(results, 'NextMCP stateless + JwtProvider [sequential]');
  const bearer = find(results, 'SDK stateless + requireBearerAuth (jose) [sequential]');
  if (next && bearer) {
    const ratio = sideBySide(next, bearer);
    checks.push({ target: 'HTTP: NextMCP stateless + JWT ≥ 1.5× SDK + requireBearerAuth (sequential)', measured: `${ratio.toFixed(2)}×`, met: ratio >= 1.5 && next.errors === 0 });
  }
  checks.push(...ratioTarget(next, 'HTTP: NextMCP stateless + JWT ≥ 1.0× SDK without auth (sequential)', 1.0));
  const issued = ratioTarget(find(results, `${ISSUED_TOKEN_REDIS} [sequential]`), 'HTTP: a call with an issued token ≥ 0.8× the plain JWT call, Redis (sequential)', 0.8);
  const floor = find(results, `${ONE_REDIS_READ} [sequential]`);
  // Beside it, the plain call behind one bare Redis GET in the same run: the floor of any design that
  // reads the grant from Redis before answering each request, as DESIGN §7 requires.
  if (floor) for (const check of issued) check.measured += ` (floor, the plain call behind one bare Redis GET: ${floor.ratio.toFixed(2)}×)`;
  checks.push(...issued);
  for (const [label, limitUs] of [['Memory', 5], ['File', 1000], ['Redis', 1000]] as const) {
    const big = results.find((r) => r.name.startsWith(label) && r.name.includes('findByAccessToken @100k'));
    const small = big && find(results, big.baseline);
    if (!big || !small) continue;
    // Side by side when the windows were paired (drift between distant windows is larger than this).
    const growth = big.p50Ratio ?? big.p50Us / small.p50Us;
    checks.push({
      target: `stores: ${big.name.replace(' @100k', '')} at 100k < ${limitUs >= 1000 ? `${limitUs / 1000} ms` : `${limitUs} µs`} median, ≤ 1.5× the 1k figure`,
      measured: `${big.p50Us.toFixed(1)} µs (1k: ${small.p50Us.toFixed(1)} µs; ${growth.toFixed(2)}×${big.p50Ratio === undefined ? '' : ' side by side'})`,
      met: big.p50Us < limitUs && growth <= 1.5 && big.errors === 0,
    });
  }
  if (refresh) {
    checks.push({
      target: `refresh storm: ${refresh.calls} concurrent calls → exactly 1 refresh request`,
      measured: `${refresh.refreshRequests} refresh request(s), ${refresh.errors} errors`,
      met: refresh.refreshRequests === 1 && refresh.errors === 0,
    });
  }
  const sdkImport = imports?.[0];
  const nextImport = imports?.find((r) => r.name === IMPORT_NEXTMCP);
  if (sdkImport && nextImport) {
    checks.push({
      target: `import: require('nextmcp') for a stdio + JwtProvider server ≤ 1.3× the SDK's Server + StdioServerTransport (fresh processes, median of ${nextImport.samples.length} rounds' ratios)`,
      measured: `${nextImport.requireMs.toFixed(0)} ms vs ${sdkImport.requireMs.toFixed(0)} ms: ${nextImport.ratio.toFixed(2)}×`,
      met: nextImport.ratio <= 1.3,
    });
  }
  return checks;
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return [
    '| target | this run | met |',
    '| --- | --- | :---: |',
    ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}
