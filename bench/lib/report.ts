import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine';
import type { ScenarioResult } from './scenario';
import { resultsTable } from './table';
import { targetsTable, type TargetCheck } from './targets';
import type { RefreshStormResult } from '../refresh/refresh-storm';
import type { ImportTimeResult } from '../import/import-time';

export interface BenchReport {
  machine: MachineInfo;
  settings: Record<string, unknown>;
  results: ScenarioResult[];
  refreshStorm?: RefreshStormResult;
  importTime?: ImportTimeResult;
  targets: TargetCheck[];
  durationSeconds: number;
}

const START = '<!-- bench:results:start (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

export function writeResultsJson(file: string, report: BenchReport): void {
  // One line per measured window: a run has over a thousand of them.
  const text = JSON.stringify(report, null, 2).replace(/\{\n\s+"ops": [^{}]*?\n\s+\}/g, (window) => window.replace(/\n\s*/g, ' '));
  writeFileSync(file, `${text}\n`);
}

/** The generated part of BENCHMARKS.md: machine, versions, date, tables. */
export function renderLatest(report: BenchReport): string {
  const m = report.machine;
  const versions = Object.entries(m.versions).map(([name, version]) => `${name} ${version}`).join(', ');
  const storm = report.refreshStorm;
  const imports = report.importTime;
  return [
    START,
    `## Latest run`,
    '',
    `- Date: ${m.date}${m.commit ? ` (commit ${m.commit})` : ''}; whole bench ${Math.round(report.durationSeconds)} s`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; load average ${m.loadAverage} at start`,
    `- Node ${m.node}; ${versions}`,
    `- Settings: ${Object.entries(report.settings).map(([group, v]) => `${group} ${describeSettings(v)}`).join('; ')}`,
    '',
    '### Targets',
    '',
    targetsTable(report.targets),
    '',
    '### Results',
    '',
    resultsTable(report.results),
    '',
    ...(storm
      ? [
          `Refresh storm: ${storm.calls} concurrent calls, ${storm.refreshRequests} refresh request(s), ` +
            `${storm.userInfoRequests} /user request(s), ${storm.errors} errors, ${Math.round(storm.durationMs)} ms.`,
          '',
        ]
      : []),
    ...(imports
      ? [
          `Import time (fresh processes, median of ${imports.runs}): SDK Server + StdioServerTransport ${imports.sdkMs.toFixed(0)} ms; ` +
            `nextmcp + nextmcp/auth ${imports.nextmcpMs.toFixed(0)} ms (${imports.ratio.toFixed(2)}×); ` +
            `with new NextMCP and new JwtProvider ${imports.constructedMs.toFixed(0)} ms.`,
          '',
        ]
      : []),
    END,
  ].join('\n');
}

function describeSettings(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return Object.entries(value)
    .map(([key, v]) => `${key}=${Array.isArray(v) ? v.join('/') : String(v)}`)
    .join(' ');
}

/** Replaces the generated section of BENCHMARKS.md (or appends it), keeping the prose around it. */
export function updateBenchmarksMd(file: string, report: BenchReport): void {
  const latest = renderLatest(report);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start ? current.slice(0, start) + latest + current.slice(end + END.length) : `${current.trimEnd()}\n\n${latest}\n`;
  writeFileSync(file, next);
}
