import { spawn } from 'node:child_process';
import { median } from '../lib/stats';

/** What one fresh Node process requires, by the names a user's code uses. */
export interface ImportCase {
  name: string;
  modules: readonly string[];
}

/** One fresh process: how long its `require`s took, and the process from spawn to exit. */
export interface ImportSample {
  requireMs: number;
  processMs: number;
}

export interface ImportResult {
  name: string;
  modules: readonly string[];
  /** Median over runs of the time the process spent in its `require` calls. */
  requireMs: number;
  /** Median over runs of spawn to exit, Node's own start-up included. */
  processMs: number;
  /** Median over rounds of this case's `requireMs` ÷ the baseline's (the first case) in the same round. */
  ratio: number;
  samples: ImportSample[];
}

export interface ImportOptions {
  runs: number;
  /** Where the processes start: the package root, so `nextmcp` resolves to its own build. */
  cwd: string;
  /** Called after each measured process (progress output). */
  onRun?: (importCase: ImportCase, run: number, sample: ImportSample) => void;
}

export const IMPORT = 'import';
export const IMPORT_BASELINE = 'SDK Server + StdioServerTransport';
export const IMPORT_NEXTMCP = "require('nextmcp') (stdio + JwtProvider server)";
const SDK_STDIO_SERVER = ['@modelcontextprotocol/sdk/server/index.js', '@modelcontextprotocol/sdk/server/stdio.js'];

/**
 * (a) the plain SDK's stdio server, (b) what a stdio + JwtProvider server requires from NextMCP
 * (everything it uses comes from the root barrel), the two subpath entry points, and (a) again.
 */
export const IMPORT_CASES: readonly ImportCase[] = [
  { name: IMPORT_BASELINE, modules: SDK_STDIO_SERVER },
  { name: IMPORT_NEXTMCP, modules: ['nextmcp'] },
  { name: "require('nextmcp/auth')", modules: ['nextmcp/auth'] },
  { name: "require('nextmcp/session')", modules: ['nextmcp/session'] },
  // The baseline again, measured like every other case: its distance from 1.00× is this run's noise.
  { name: `${IMPORT_BASELINE} again (noise check: ideally 1.00×)`, modules: SDK_STDIO_SERVER },
];

/** The `node -e` program: requires `modules` in order and prints how long that took. */
export function importScript(modules: readonly string[]): string {
  return [
    'const started = performance.now();',
    `for (const name of ${JSON.stringify(modules)}) require(name);`,
    'process.stdout.write(JSON.stringify({ requireMs: performance.now() - started }));',
    // Exit at once: a module that leaves a timer or handle behind must not stretch the measurement.
    'process.exit(0);',
  ].join('\n');
}

/** Runs one fresh `node -e` process for `modules`; rejects with its stderr when it fails. */
export function importOnce(modules: readonly string[], cwd: string): Promise<ImportSample> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // The bench itself may run under ts-node (-r hooks in NODE_OPTIONS); a user's process does not.
    delete env.NODE_OPTIONS;
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', importScript(modules)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = Number(process.hrtime.bigint() - started) / 1e6;
      const requireMs = code === 0 ? parseRequireMs(stdout) : undefined;
      if (requireMs !== undefined) return resolve({ requireMs, processMs });
      const why = stderr.trim().split('\n').find((line) => /Error/.test(line)) ?? (stderr.trim() || stdout.trim() || `exit code ${code}`);
      reject(new Error(`import of ${modules.join(' + ')} failed: ${why}`));
    });
  });
}

function parseRequireMs(stdout: string): number | undefined {
  try {
    const value = (JSON.parse(stdout) as { requireMs?: unknown }).requireMs;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One unmeasured round to warm the file cache, then `runs` rounds of one fresh process per case,
 * the order rotating every round so no case always runs first or after the same one. Ratios are
 * taken within each round, against the first case.
 */
export async function measureImports(cases: readonly ImportCase[], options: ImportOptions): Promise<ImportResult[]> {
  for (const importCase of cases) await importOnce(importCase.modules, options.cwd);
  const samples = cases.map((): ImportSample[] => []);
  for (let run = 0; run < options.runs; run++) {
    for (let i = 0; i < cases.length; i++) {
      const index = (i + run) % cases.length;
      const sample = await importOnce(cases[index].modules, options.cwd);
      samples[index].push(sample);
      options.onRun?.(cases[index], run, sample);
    }
  }
  return summarizeImports(cases, samples);
}

/**
 * Medians per case, and each case's ratio to the first case: the median over rounds of the two
 * processes' ratio in that round. The machine's speed drifts over a run by more than the difference
 * measured (a busy minute slows every process in it); a ratio within one round cancels that.
 */
export function summarizeImports(cases: readonly ImportCase[], samples: readonly ImportSample[][]): ImportResult[] {
  const baseline = samples[0];
  return cases.map((importCase, i) => ({
    name: importCase.name,
    modules: importCase.modules,
    requireMs: median(samples[i].map((s) => s.requireMs)),
    processMs: median(samples[i].map((s) => s.processMs)),
    ratio: median(samples[i].map((s, round) => s.requireMs / baseline[round].requireMs)),
    samples: samples[i],
  }));
}

/** A Markdown table of the import results. */
export function importTable(results: readonly ImportResult[]): string {
  return [
    '| import (fresh process) | require (median) | × baseline | process start to exit (median) |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(
      (r, i) => `| ${r.name} | ${r.requireMs.toFixed(0)} ms | ${i === 0 ? 'baseline' : `${r.ratio.toFixed(2)}×`} | ${r.processMs.toFixed(0)} ms |`,
    ),
  ].join('\n');
}
