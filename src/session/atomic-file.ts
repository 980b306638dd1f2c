import { nodeCrypto } from '../node-crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Modes for what the file store creates: only the owner may read sessions. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Suffix of in-flight temp files; readers ignore them, cleanup removes old leftovers. */
const TEMP_SUFFIX = '.tmp';

/** `.<target name>.<pid>.<12 hex>.tmp`, as `writeFileAtomic` names its temp files. */
const TEMP_FILE_NAME = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/** Whether `name` is one of `writeFileAtomic`'s temp files (in flight, or left by a crash). */
export function isTempFileName(name: string): boolean {
  return TEMP_FILE_NAME.test(name);
}

/**
 * Replaces `file` with `contents` so a reader sees the old or the new file, never a torn one: a
 * temp file in the same directory (same filesystem, so rename is atomic), fsync, rename, then an
 * fsync of the directory so the rename survives a crash. A missing directory (removed by a
 * concurrent cleanup) is created again once.
 */
export async function writeFileAtomic(file: string, contents: string): Promise<void> {
  try {
    await replaceFile(file, contents);
  } catch (error) {
    if (!isErrorCode(error, 'ENOENT')) throw error;
    await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    await replaceFile(file, contents);
  }
}

async function replaceFile(file: string, contents: string): Promise<void> {
  const directory = dirname(file);
  const temp = join(directory, `.${basename(file)}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself already happened.
  }
}

/** The file's text, or null when it does not exist. */
export async function readFileIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  }
}

export function isErrorCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
