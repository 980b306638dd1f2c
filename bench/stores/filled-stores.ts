import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSessionStore, MemorySessionStore, RedisSessionStore, type SessionStore } from '../../src/session';
import { BenchSessions } from './bench-sessions';
import { fillFileStore } from './fill-file-store';

export type StoreKind = 'Memory' | 'File' | 'Redis';

/** Which store to fill: `where` is a File store's parent directory. */
export interface StoreSpec {
  label: string;
  kind: StoreKind;
  count: number;
  where?: string;
}

export interface FilledStore {
  label: string;
  sessions: BenchSessions;
  store: SessionStore;
  /** Removes every session (files, Redis keys) and closes the store. */
  dispose(): Promise<void>;
}

/**
 * Where File stores live: tmpfs (`/dev/shm`) when there is one, because creating and deleting
 * 111k sessions' files on this machine's disk takes minutes; `BENCH_FILE_DIR` overrides.
 */
export function fastFileDirectory(): string {
  return process.env.BENCH_FILE_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
}

/** Saves through the store with `inFlight` saves at a time (Memory and Redis are fast enough). */
async function saveAll(store: SessionStore, sessions: BenchSessions, inFlight: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < sessions.count) await store.save(sessions.session(next++));
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

export async function fillStore(spec: StoreSpec, redisUrl: string): Promise<FilledStore> {
  const sessions = new BenchSessions(spec.count);
  const { label } = spec;
  if (spec.kind === 'Memory') {
    const store = new MemorySessionStore();
    await saveAll(store, sessions, 1);
    return { label, sessions, store, dispose: () => store.close() };
  }
  if (spec.kind === 'File') {
    const directory = mkdtempSync(join(spec.where ?? tmpdir(), 'nextmcp-bench-'));
    const remove = async () => rmSync(directory, { recursive: true, force: true });
    try {
      fillFileStore(directory, sessions);
    } catch (error) {
      await remove();
      throw error;
    }
    const store = new FileSessionStore(directory);
    return { label, sessions, store, dispose: () => store.close().finally(remove) };
  }
  const store = new RedisSessionStore({ url: redisUrl, keyPrefix: `nextmcp-bench:${process.pid}:${spec.count}:` });
  const dispose = async () => {
    try {
      await store.clearAll();
    } finally {
      await store.close();
    }
  };
  try {
    await saveAll(store, sessions, 256);
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  return { label, sessions, store, dispose };
}
