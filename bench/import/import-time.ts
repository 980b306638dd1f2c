import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median } from '../lib/stats';

/** Time to `require` a server's imports in a fresh process, NextMCP against the SDK alone (issue 16). */
export interface ImportTimeResult {
  runs: number;
  /** Median ms: the SDK's `Server` and `StdioServerTransport`. */
  sdkMs: number;
  /** Median ms: `nextmcp` and `nextmcp/auth`, all a stdio + JwtProvider server imports. */
  nextmcpMs: number;
  /** Median ms: the same, then `new NextMCP(…)` and `new JwtProvider(…)` (what loads on construction too). */
  constructedMs: number;
  /** nextmcpMs / sdkMs. */
  ratio: number;
}

const SDK = "require('@modelcontextprotocol/sdk/server/index.js'); require('@modelcontextprotocol/sdk/server/stdio.js');";

function nextmcp(dist: string): string {
  return `const { NextMCP } = require(${JSON.stringify(dist)}); const { JwtProvider } = require(${JSON.stringify(join(dist, 'auth'))});`;
}

function constructed(dist: string): string {
  return `${nextmcp(dist)} new NextMCP({ name: 'bench', version: '1' }); new JwtProvider({ jwksUri: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com' });`;
}

/** Milliseconds `code` takes in a new Node process, measured inside it (process start-up excluded). */
function timeInFreshProcess(code: string, cwd: string): number {
  const script = `const started = process.hrtime.bigint(); ${code} console.log(Number(process.hrtime.bigint() - started) / 1e6);`;
  return Number(execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' }).trim().split('\n').pop());
}

/**
 * Builds the package, then times the three imports in fresh processes, `runs` rounds, taking turns
 * within each round so drift on a shared machine falls on all three alike. Medians per import.
 */
export function measureImportTime(root: string, runs: number, progress: (message: string) => void): ImportTimeResult {
  progress('import: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const dist = join(root, 'dist');
  const samples = { sdk: [] as number[], nextmcp: [] as number[], constructed: [] as number[] };
  for (let round = 0; round < runs; round++) {
    samples.sdk.push(timeInFreshProcess(SDK, root));
    samples.nextmcp.push(timeInFreshProcess(nextmcp(dist), root));
    samples.constructed.push(timeInFreshProcess(constructed(dist), root));
  }
  const sdkMs = median(samples.sdk);
  const nextmcpMs = median(samples.nextmcp);
  progress(`import: SDK ${sdkMs.toFixed(0)} ms, nextmcp ${nextmcpMs.toFixed(0)} ms (median of ${runs})`);
  return { runs, sdkMs, nextmcpMs, constructedMs: median(samples.constructed), ratio: nextmcpMs / sdkMs };
}
