/**
 * `npm run conformance`: runs the official MCP conformance suite (`@modelcontextprotocol/conformance`,
 * pinned below) against `examples/everything/server.ts` on 127.0.0.1 and prints each scenario's result.
 * Exits non-zero unless every active scenario passes and the pending `PENDING_REQUIRED` scenarios pass
 * without warnings. The suite needs Node ≥ 22: when this Node is older, a Node 22 binary is installed
 * from the npm registry (`node-linux-<arch>`) beside it. Both go to a user cache directory
 * (`$XDG_CACHE_HOME` or `~/.cache`, `/nextmcp-conformance`), which `npm ci` does not wipe: one
 * directory per pinned version set, installed in a staging directory and renamed into place when
 * complete, so an interrupted or concurrent run never leaves or uses half an install.
 *
 * Flags: `--scenario <name>` runs one scenario; `--verbose` prints the suite's own output.
 * `NEXTMCP_CONFORMANCE_CACHE` overrides the cache directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CONFORMANCE_VERSION = '0.1.16';
const NODE_VERSION = '22.23.5';
/** Pending scenarios that must pass anyway, without warnings. */
const PENDING_REQUIRED = ['json-schema-2020-12', 'server-sse-polling'];

const root = resolve(__dirname, '../..');
const cacheDir = resolve(process.env.NEXTMCP_CONFORMANCE_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nextmcp-conformance'));
const verbose = process.argv.includes('--verbose');
const scenarioArg = process.argv.indexOf('--scenario');
const onlyScenario = scenarioArg === -1 ? undefined : process.argv[scenarioArg + 1];

type Status = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
interface Check {
  id: string;
  status: Status;
  description: string;
  errorMessage?: string;
}
interface ScenarioResult {
  scenario: string;
  checks: Check[];
}

async function main(): Promise<number> {
  const { node, cli } = installSuite();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const server = startExample(port);
  try {
    await waitForListening(server, url);
    const runs = onlyScenario
      ? [await runSuite(node, cli, url, ['--scenario', onlyScenario], 'single')]
      : [await runSuite(node, cli, url, ['--suite', 'active'], 'active'), await runSuite(node, cli, url, ['--suite', 'pending'], 'pending')];
    return report(runs) ? 0 : 1;
  } finally {
    stop(server);
  }
}

/** Installs the pinned suite (and Node 22 when needed) into the cache, once; returns how to run it. */
function installSuite(): { node: string; cli: string } {
  const needsNode = Number(process.versions.node.split('.')[0]) < 22;
  if (needsNode && process.platform !== 'linux') throw new Error('The conformance suite needs Node ≥ 22 (the registry has Node 22 builds for Linux only): run it with Node 22');
  const nodePackage = `node-linux-${process.arch}`;
  const packages: Record<string, string> = { '@modelcontextprotocol/conformance': CONFORMANCE_VERSION };
  if (needsNode) packages[nodePackage] = NODE_VERSION;
  const installDir = join(cacheDir, Object.entries(packages).map(([n, v]) => `${n.replace(/^@/, '').replace('/', '-')}-${v}`).join('+'));
  const paths = (dir: string) => ({
    node: needsNode ? join(dir, 'node_modules', nodePackage, 'bin', 'node') : process.execPath,
    cli: join(dir, 'node_modules/@modelcontextprotocol/conformance/dist/index.js'),
  });
  if (!existsSync(installDir)) {
    console.log(`Installing ${Object.entries(packages).map(([n, v]) => `${n}@${v}`).join(', ')} into ${installDir}`);
    mkdirSync(cacheDir, { recursive: true });
    const staging = mkdtempSync(join(cacheDir, '.installing-'));
    try {
      writeFileSync(join(staging, 'package.json'), JSON.stringify({ private: true, dependencies: packages }, null, 2));
      const npm = spawnSync('npm', ['install', '--prefix', staging, '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
        stdio: 'inherit',
        env: { ...process.env, npm_config_engine_strict: 'false' },
      });
      const installed = paths(staging);
      if (npm.status !== 0 || !existsSync(installed.node) || !existsSync(installed.cli)) throw new Error('npm install of the conformance suite failed');
      renameInto(staging, installDir);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return paths(installDir);
}

/** Moves a finished install into place; another run that finished first is as good. */
function renameInto(staging: string, installDir: string): void {
  try {
    renameSync(staging, installDir);
  } catch (error) {
    if (!existsSync(installDir)) throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

function startExample(port: number): ChildProcess {
  // Its own process group, so stopping it also stops the node process npx starts.
  return spawn('npx', ['ts-node', '--transpile-only', 'examples/everything/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'inherit'],
    detached: true,
  });
}

async function waitForListening(server: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`examples/everything/server.ts exited with code ${server.exitCode}`);
    try {
      await fetch(url, { method: 'GET' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`examples/everything/server.ts did not listen on ${url}`);
}

function stop(server: ChildProcess): void {
  if (server.pid !== undefined && server.exitCode === null) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

/** Runs the suite's CLI once, with results written as JSON; reads them back per scenario. */
async function runSuite(node: string, cli: string, url: string, args: string[], label: string): Promise<{ label: string; results: ScenarioResult[]; expected?: number }> {
  const outputDir = mkdtempSync(join(tmpdir(), 'nextmcp-conformance-'));
  try {
    const child = spawn(node, [cli, 'server', '--url', url, ...args, '--output-dir', outputDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (verbose) process.stdout.write(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (verbose) process.stderr.write(chunk);
    });
    await new Promise((r) => child.once('close', r));
    const expected = /Running \w+ suite \((\d+) scenarios\)/.exec(output)?.[1];
    const results = readdirSync(outputDir)
      .map((dir) => ({ dir, match: /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(dir) }))
      .filter(({ match }) => match)
      .map(({ dir, match }) => ({ scenario: match![1], checks: JSON.parse(readFileSync(join(outputDir, dir, 'checks.json'), 'utf8')) as Check[] }));
    if (results.length === 0) console.error(output);
    return { label, results, expected: expected === undefined ? undefined : Number(expected) };
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** Prints one line per scenario (and why it failed); true when the run is good. */
function report(runs: { label: string; results: ScenarioResult[]; expected?: number }[]): boolean {
  let good = true;
  for (const run of runs) {
    let passed = 0;
    console.log(`\n${run.label} scenarios:`);
    for (const { scenario, checks } of run.results.sort((a, b) => a.scenario.localeCompare(b.scenario))) {
      const strict = PENDING_REQUIRED.includes(scenario);
      const required = run.label !== 'pending' || strict;
      const failures = checks.filter((c) => c.status === 'FAILURE');
      const warnings = checks.filter((c) => c.status === 'WARNING');
      const ok = failures.length === 0 && (!strict || warnings.length === 0);
      if (ok) passed++;
      if (required && !ok) good = false;
      const mark = ok ? 'PASS' : required ? 'FAIL' : 'fail (not required)';
      const counts = `${checks.filter((c) => c.status === 'SUCCESS').length} passed, ${failures.length} failed, ${warnings.length} warnings`;
      console.log(`  ${mark} ${scenario} (${counts})`);
      for (const c of [...failures, ...warnings]) console.log(`       ${c.status} ${c.id}: ${c.errorMessage ?? c.description}`);
    }
    if (run.expected !== undefined && run.results.length !== run.expected) {
      console.log(`  ${run.expected - run.results.length} scenario(s) produced no results`);
      good = false;
    }
    console.log(`  ${run.label}: ${passed}/${run.expected ?? run.results.length} passed`);
  }
  console.log(good ? '\nConformance: OK' : '\nConformance: FAILED');
  return good;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
