/**
 * `npm run bench`: NextMCP side by side with the plain MCP SDK (issue 6). Runs every group with
 * warm-up first and interleaved fixed windows, prints the tables, writes bench/results.json and
 * the generated section of BENCHMARKS.md. Flags: `--quick` (short windows, small stores, nothing
 * written), `--only=in-process,http,auth-server,stores,refresh,import`.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CleanupStack } from './lib/cleanup';
import { interleave, type InterleaveOptions } from './lib/interleave';
import { machineInfo } from './lib/machine';
import { updateBenchmarksMd, writeResultsJson, type BenchReport } from './lib/report';
import type { OpenScenario, ScenarioResult } from './lib/scenario';
import { resultsTable } from './lib/table';
import { checkTargets, targetsTable } from './lib/targets';
import { startLocalIssuer, type LocalIssuer } from './fixtures/local-jwks';
import * as inProcess from './in-process/scenarios';
import { echoScenarios, type EchoConnection } from './in-process/echo-client';
import { httpScenarios } from './http/scenarios';
import { LoadProcess } from './http/load-process';
import { fastFileDirectory, fillStore, type StoreSpec } from './stores/filled-stores';
import { storeScenarios } from './stores/scenarios';
import { refreshStorm, type RefreshStormResult } from './refresh/refresh-storm';
import { IMPORT_CASES, importTable, measureImports, type ImportResult } from './import/import-cost';
import { ensureBuilt } from './import/built-package';
import { authServerScenarios } from './auth-server/scenarios';

const GROUPS = ['in-process', 'http', 'auth-server', 'stores', 'refresh', 'import'] as const;
type Group = (typeof GROUPS)[number];

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const groups = new Set<Group>(onlyArg ? (onlyArg.slice(7).split(',') as Group[]) : GROUPS);
const unknownGroups = [...groups].filter((g) => !GROUPS.includes(g));
if (unknownGroups.length > 0) {
  console.error(`unknown group(s) ${unknownGroups.join(', ')}; --only= takes ${GROUPS.join(', ')}`);
  process.exit(2);
}
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const settings = {
  inProcess: { warmupMs: quick ? 300 : 1000, windowMs: 50, rounds: quick ? 10 : 120, paired: true, inFlight: [1, 32] },
  http: { warmupMs: quick ? 300 : 1000, windowMs: quick ? 500 : 1500, rounds: quick ? 2 : 3, inFlight: [1, 32] },
  // Paired: its target sits close to its result, and three unpaired rounds of the same code gave
  // 0.66–0.82× on this machine; adjacent windows cancel the drift (see BENCHMARKS.md, Method).
  authServer: { warmupMs: quick ? 300 : 1000, windowMs: 400, rounds: quick ? 3 : 20, paired: true, inFlight: [1, 32] },
  stores: { warmupMs: 100, windowMs: quick ? 60 : 100, rounds: quick ? 3 : 10, paired: true, sizes: quick ? [1000, 10_000] : [1000, 10_000, 100_000] },
  refreshStorm: { calls: 1000 },
  imports: { runs: quick ? 3 : 20 },
};
const ROOT = join(__dirname, '..');

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function windowOptions(options: Omit<InterleaveOptions, 'onWindow'>): InterleaveOptions {
  // About ten progress reports per scenario, whatever the number of rounds.
  const every = Math.max(1, Math.round(options.rounds / 10));
  return {
    ...options,
    onWindow: (scenario, round, sample) => {
      if ((round + 1) % every !== 0 && !sample.errors) return;
      progress(`  round ${round + 1}: ${scenario.name}: ${Math.round(sample.opsPerSec)} ops/s${sample.errors ? `, ${sample.errors} errors` : ''}`);
    },
  };
}

async function opened(cleanup: CleanupStack, scenarios: OpenScenario[]): Promise<OpenScenario[]> {
  for (const s of scenarios) cleanup.push(s.name, () => s.close());
  return scenarios;
}

/** Runs one group; what it started is stopped when it ends, whatever happens. */
async function scoped<T>(cleanup: CleanupStack, run: () => Promise<T>): Promise<T> {
  const mark = cleanup.mark;
  try {
    return await run();
  } finally {
    await cleanup.run(mark);
  }
}

async function runInProcess(cleanup: CleanupStack, issuer: LocalIssuer): Promise<ScenarioResult[]> {
  progress('in-process: SDK McpServer vs NextMCP @Tool class, plain SDK Client over InMemoryTransport, sequential and 32 in flight');
  const openers: (() => Promise<EchoConnection>)[] = [
    () => inProcess.sdkBaseline(),
    () => inProcess.sdkNoiseCheck(),
    () => inProcess.nextNoAuth(),
    () => inProcess.nextJwt(issuer),
    () => inProcess.nextApiKey(),
    () => inProcess.nextOAuthSession(),
  ];
  const perConnection: OpenScenario[][] = [];
  for (const open of openers) {
    const connection = await open();
    cleanup.push(connection.name, () => connection.close());
    perConnection.push(echoScenarios(connection, settings.inProcess.inFlight));
  }
  // All sequential scenarios first, then all at 32 in flight: the table shows each load level together.
  const scenarios = settings.inProcess.inFlight.flatMap((_, level) => perConnection.map((levels) => levels[level]));
  return interleave(scenarios, windowOptions(settings.inProcess));
}

async function runHttp(cleanup: CleanupStack, issuer: LocalIssuer): Promise<ScenarioResult[]> {
  progress('http: load from a child process, sequential and 32 in flight');
  const load = LoadProcess.start();
  cleanup.push('load process', () => load.stop());
  const scenarios = await opened(cleanup, await httpScenarios(issuer, load, settings.http.inFlight));
  return interleave(scenarios, windowOptions(settings.http));
}

async function runAuthServer(cleanup: CleanupStack, issuer: LocalIssuer): Promise<ScenarioResult[]> {
  progress('auth-server: a call with an issued token vs a plain JWT over HTTP (Memory and Redis stores); the token endpoint');
  const load = LoadProcess.start();
  cleanup.push('load process', () => load.stop());
  const scenarios = await opened(cleanup, await authServerScenarios(issuer, load, redisUrl, settings.authServer.inFlight));
  return interleave(scenarios, windowOptions(settings.authServer));
}

async function runStores(cleanup: CleanupStack, redisUp: boolean): Promise<ScenarioResult[]> {
  const fileDir = fastFileDirectory();
  if (!redisUp) progress(`stores: Redis does not answer at ${redisUrl}; its rows are left out (start it or set REDIS_URL)`);
  const specs: StoreSpec[] = [
    ...settings.stores.sizes.map((count): StoreSpec => ({ label: 'Memory', kind: 'Memory', count })),
    ...settings.stores.sizes.map((count): StoreSpec => ({ label: 'File', kind: 'File', count, where: fileDir })),
    { label: 'File (disk)', kind: 'File', count: 1000 },
    ...(redisUp ? settings.stores.sizes.map((count): StoreSpec => ({ label: 'Redis', kind: 'Redis', count })) : []),
  ];
  const filled = [];
  for (const spec of specs) {
    const started = performance.now();
    const store = await fillStore(spec, redisUrl);
    cleanup.push(`${spec.label} store`, () => store.dispose());
    filled.push(store);
    progress(`stores: filled ${spec.label} with ${spec.count} sessions in ${Math.round(performance.now() - started)} ms`);
  }
  const results = await interleave(await opened(cleanup, storeScenarios(filled)), windowOptions(settings.stores));
  progress('stores: removing the sessions');
  return results;
}

async function runImports(): Promise<ImportResult[]> {
  await ensureBuilt(ROOT, progress);
  progress(`import: fresh node processes, ${settings.imports.runs} each, order rotating`);
  return measureImports(IMPORT_CASES, {
    runs: settings.imports.runs,
    cwd: ROOT,
    onRun: (importCase, run, sample) => progress(`  run ${run + 1}: ${importCase.name}: ${sample.requireMs.toFixed(0)} ms`),
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const cleanup = new CleanupStack();
  const interrupted = () => {
    progress('interrupted: stopping everything');
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const machine = await machineInfo(redisUrl);
  const results: ScenarioResult[] = [];
  let refresh: RefreshStormResult | undefined;
  let imports: ImportResult[] | undefined;
  try {
    const issuer = await startLocalIssuer();
    cleanup.push('JWKS issuer', () => issuer.close());
    if (groups.has('in-process')) results.push(...(await scoped(cleanup, () => runInProcess(cleanup, issuer))));
    if (groups.has('http')) results.push(...(await scoped(cleanup, () => runHttp(cleanup, issuer))));
    const redisUp = !['unreachable', 'unknown'].includes(machine.versions.redis);
    if (groups.has('auth-server')) {
      if (redisUp) results.push(...(await scoped(cleanup, () => runAuthServer(cleanup, issuer))));
      else progress(`auth-server: Redis does not answer at ${redisUrl}; the group is left out`);
    }
    if (groups.has('stores')) results.push(...(await scoped(cleanup, () => runStores(cleanup, redisUp))));
    if (groups.has('refresh')) {
      progress('refresh storm');
      refresh = await refreshStorm(settings.refreshStorm.calls);
    }
    if (groups.has('import')) imports = await runImports();
  } finally {
    await cleanup.run();
  }

  const targets = checkTargets({ results, refresh, imports });
  const report: BenchReport = { machine, settings, results, refreshStorm: refresh, imports, targets, durationSeconds: (performance.now() - started) / 1000 };
  console.log(`\n${resultsTable(results)}\n`);
  if (refresh) console.log(`Refresh storm: ${refresh.calls} calls → ${refresh.refreshRequests} refresh request(s), ${refresh.errors} errors\n`);
  if (imports) console.log(`${importTable(imports)}\n`);
  console.log(`${targetsTable(targets)}\n`);
  if (quick || onlyArg) {
    progress('partial run (--quick/--only): results.json and BENCHMARKS.md left as they are');
  } else {
    writeResultsJson(join(__dirname, 'results.json'), report);
    updateBenchmarksMd(join(ROOT, 'BENCHMARKS.md'), report);
    progress('wrote bench/results.json and BENCHMARKS.md');
  }
  progress(`done in ${Math.round(report.durationSeconds)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
