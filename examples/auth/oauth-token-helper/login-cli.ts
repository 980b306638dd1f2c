import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** A run of `nextmcp login …` and what it printed. */
export interface LoginRun {
  /** The authorization URL it asked the user to open. */
  authorizationUrl: Promise<string>;
  /** Resolves with the exit code, stdout (the token JSON unless --save) and stderr (progress). */
  finished: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Runs the CLI as `npx nextmcp login …` does (`dist/cli/index.js` once built; here its source, so
 * the example needs no build). `env` carries NEXTMCP_<PROVIDER>_* settings.
 */
export function runLogin(args: string[], env: NodeJS.ProcessEnv): LoginRun {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/index.ts', 'login', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let announce: (url: string) => void;
  const authorizationUrl = new Promise<string>((resolveUrl) => (announce = resolveUrl));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const url = /^\s+(http\S+)$/m.exec(stderr)?.[1];
    if (url) announce(url);
  });
  const finished = new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.once('exit', (code) => done({ code, stdout, stderr })),
  );
  return { authorizationUrl: Promise.race([authorizationUrl, finished.then(() => Promise.reject(new Error(`login exited early: ${stderr}`)))]), finished };
}
