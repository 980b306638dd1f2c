/**
 * Summarizes a `.cpuprofile`: self time by package (or src/ folder), then the functions with the
 * most self time. Skips the first `skipSeconds` (start-up and warm-up).
 *
 *   npx ts-node --transpile-only bench/profile-summary.ts /tmp/prof/CPU.….cpuprofile 4 25
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName.startsWith('(')) return functionName; // (garbage collector), (idle), (program)
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(src\/[^/]+|bench|test)\//.exec(url);
  if (own) return own[1];
  return url.startsWith('node:') || url === '' ? 'node internals / native' : url;
}

function place(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*?\/(src|bench|test)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function top(counts: Map<string, number>, total: number, n: number): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${((100 * count) / total).toFixed(1).padStart(5)}%  ${name}`);
}

function main(): void {
  const [file, skipSeconds = '0', rows = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [skipSeconds] [rows]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let elapsedUs = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    elapsedUs += profile.timeDeltas[i];
    if (elapsedUs < Number(skipSeconds) * 1e6) return;
    const node = nodes.get(id)!;
    total += 1;
    byArea.set(area(node), (byArea.get(area(node)) ?? 0) + 1);
    byFunction.set(place(node), (byFunction.get(place(node)) ?? 0) + 1);
  });
  console.log(`self time by area (${total} samples)`);
  console.log(top(byArea, total, 15).join('\n'));
  console.log('\nself time by function');
  console.log(top(byFunction, total, Number(rows)).join('\n'));
}

main();
