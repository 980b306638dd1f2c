import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { FileSessionStore } from '../../src/session';

export interface KillResult {
  acknowledged: number;
  lost: number;
  corrupt: number;
  /** Temp files of the write the kill interrupted (a store started now leaves them: they may be a live write's). */
  tempFilesAfterKill: number;
  /** The same files a minute later (backdated), after a store has started: must be 0. */
  tempFilesAfterSweep: number;
}

/**
 * Starts a process saving sessions, kills it with SIGKILL after `afterMs`, then opens the
 * directory again: every save the process had acknowledged must load, with its latest tokens.
 * Then the kill's temp files are made a minute old and a store is started once more: its start-up
 * sweep must remove them.
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
    const tempFiles = await findTempFiles(directory);
    const aMinuteAgo = new Date(Date.now() - 2 * 60 * 1000);
    for (const file of tempFiles) await utimes(file, aMinuteAgo, aMinuteAgo);
    await new FileSessionStore(directory).close(); // close() waits for the start-up sweep
    return { acknowledged: acknowledged.length, lost, corrupt, tempFilesAfterKill: tempFiles.length, tempFilesAfterSweep: (await findTempFiles(directory)).length };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function findTempFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries.map(String).filter((name) => name.endsWith('.tmp')).map((name) => join(directory, name));
}
