import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

/** Where and with what a run was made; written into results.json and BENCHMARKS.md. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1-minute load average when the run started: the machine is shared, so it says how quiet it was. */
  loadAverage: number;
  node: string;
  versions: Record<string, string>;
  commit?: string;
}

const ROOT = join(__dirname, '..', '..');

function packageVersion(name: string): string {
  try {
    // Read from node_modules directly: a package's `exports` may map `package.json` elsewhere.
    const file = name === 'nextmcp' ? join(ROOT, 'package.json') : join(ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function redisVersion(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  client.on('error', () => undefined); // reported as 'unreachable' below
  try {
    await client.connect();
    return /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    client.disconnect();
  }
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export async function machineInfo(redisUrl: string): Promise<MachineInfo> {
  const versions: Record<string, string> = {};
  for (const name of ['nextmcp', '@modelcontextprotocol/sdk', 'jose', 'express', 'ioredis', 'class-validator', 'zod']) versions[name] = packageVersion(name);
  versions.redis = await redisVersion(redisUrl);
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
    node: process.version,
    versions,
    commit: gitCommit(),
  };
}
