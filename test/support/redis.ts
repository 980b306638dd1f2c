import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports';

/** The shared test Redis: 127.0.0.1:6379 unless `REDIS_URL` says otherwise. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const REQUIRED = process.env.NEXTMCP_REQUIRE_REDIS === '1';
const REPO_ROOT = resolve(__dirname, '../..');

let reachable: boolean | undefined;

/**
 * Whether Redis answers PING. Synchronous (a child process) because jest registers `describe`
 * blocks synchronously; the answer is cached per test file.
 */
export function isRedisReachable(): boolean {
  reachable ??= probe(REDIS_URL);
  return reachable;
}

/**
 * `describe` for suites that need the shared Redis. Unreachable Redis skips the suite with a printed
 * notice, unless `NEXTMCP_REQUIRE_REDIS=1` (CI), where it fails.
 */
export function describeWithRedis(name: string, suite: () => void): void {
  describeWhen(isRedisReachable(), `Redis is not reachable at ${redactUrl(REDIS_URL)}`, name, suite);
}

/** `describe` for suites that spawn their own `redis-server`; same skip/fail rule. */
export function describeWithRedisServer(name: string, suite: () => void): void {
  describeWhen(hasRedisServerBinary(), 'the redis-server binary is not on PATH', name, suite);
}

function describeWhen(available: boolean, problem: string, name: string, suite: () => void): void {
  if (available) {
    describe(name, suite);
  } else if (REQUIRED) {
    describe(name, () => {
      it('has what it needs', () => {
        throw new Error(`${problem} and NEXTMCP_REQUIRE_REDIS=1`);
      });
    });
  } else {
    console.warn(`[nextmcp tests] ${problem}: skipping "${name}" (set NEXTMCP_REQUIRE_REDIS=1 to fail instead)`);
    describe.skip(name, suite);
  }
}

/** A key prefix no other run shares, so tests never touch anyone else's keys. */
export function uniqueKeyPrefix(): string {
  return `nextmcp-test:${randomUUID()}:`;
}

/** Deletes this run's keys (SCAN + UNLINK; never FLUSHALL). */
export async function deleteKeysWithPrefix(prefix: string, url: string = REDIS_URL): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A private `redis-server` on a free loopback port, to stop and start again (outage tests). */
export class RedisServerProcess {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(await freePort());
    await server.start();
    return server;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!probe(this.url)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('close', done));
    child.kill('SIGKILL');
    await exited;
  }
}

function probe(url: string): boolean {
  const script = `
    const { Redis } = require('ioredis');
    const client = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    client.connect().then(() => client.ping()).then(() => process.exit(0), () => process.exit(1));`;
  try {
    execFileSync(process.execPath, ['-e', script, url], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function hasRedisServerBinary(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}


function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
