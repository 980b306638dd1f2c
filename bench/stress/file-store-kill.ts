import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { FileSessionStore } from '../../src/session';

export interface KillResult {
  acknowledged: number;
  lost: number;
  corrupt: number;
  tempFilesLeft: number;
}

/**
 * Starts a process saving sessions, kills it with SIGKILL after `afterMs`, then opens the
 * directory again: every save the process had acknowledged must load, with its latest tokens.
 */
export async function killFileStoreWriter(afterMs: number): Promise<KillResult> {
  const directory = await mkdtemp(join(tmpdir(), 'nextmcp-stress-kill-'));
  try {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'file-store-writer.ts'), directory], {
      cwd: resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => acknowledged.push(line));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // Start counting once it writes: ts-node takes a while to start.
    while (acknowledged.length === 0 && child.exitCode === null) await delay(20);
    await delay(afterMs);
    child.kill('SIGKILL');
    await exited;

    let corrupt = 0;
    const store = new FileSessionStore(directory, { onCorrupt: () => (corrupt += 1) });
    let lost = 0;
    for (const userId of acknowledged) {
      const session = await store.load(userId, 'google');
      const index = Number(userId.split('-')[1]);
      const expected = index % 2 === 1 ? `refreshed-${userId}` : `token-${userId}`;
      if (session?.accessToken !== expected) lost += 1;
    }
    await store.close();
    return { acknowledged: acknowledged.length, lost, corrupt, tempFilesLeft: await countTempFiles(directory) };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function countTempFiles(directory: string): Promise<number> {
  const entries = await readdir(directory, { recursive: true });
  return entries.filter((name) => String(name).endsWith('.tmp')).length;
}
