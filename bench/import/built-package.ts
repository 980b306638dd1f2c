import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** What the build in `dist/` is compared with: every source file and the configuration it is built with. */
const BUILD_INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

export type BuildState = { state: 'fresh' } | { state: 'missing' } | { state: 'stale'; newer: string };

/** Whether `root/dist` exists and is at least as new as every file it is built from. */
export function buildState(root: string): BuildState {
  const built = join(root, 'dist', 'index.js');
  if (!existsSync(built)) return { state: 'missing' };
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).map((file) => join('src', file));
  for (const file of [...BUILD_INPUTS, ...sources]) {
    const path = join(root, file);
    if (existsSync(path) && statSync(path).isFile() && statSync(path).mtimeMs > builtAt) return { state: 'stale', newer: file };
  }
  return { state: 'fresh' };
}

/**
 * Makes sure `require('nextmcp')` from `root` loads a build of the current sources: runs
 * `npm run build` there when `dist/` is missing or older than a source file.
 */
export async function ensureBuilt(root: string, progress: (message: string) => void): Promise<void> {
  const state = buildState(root);
  if (state.state === 'fresh') return;
  progress(`import: dist/ is ${state.state === 'missing' ? 'missing' : `older than ${state.newer}`}; running npm run build`);
  try {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const output = (error as { stdout?: string; stderr?: string }).stdout ?? '';
    throw new Error(`npm run build failed; the import group needs the built package:\n${output.trim().split('\n').slice(-20).join('\n')}`);
  }
}
