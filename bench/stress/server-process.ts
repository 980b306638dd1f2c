import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { MemoryFigures, ParentMessage, ServerMessage } from './server-protocol';

/** The stress run's handle on its server process. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** The stateless MCP endpoint and the stateful one. */
    readonly stateless: URL,
    readonly stateful: URL,
    /** A server whose callers are GitHub users with sessions in the same Redis, and their tokens. */
    readonly oauth: URL,
    readonly oauthCallers: { user: string; token: string }[],
  ) {}

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const child = fork(join(__dirname, 'stress-server.ts'), [], {
      execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Extract<ServerMessage, { type: 'ready' }>>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`stress server exited (${code}) before it was ready`)));
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') resolve(message);
      });
    });
    return new ServerProcess(child, new URL(ready.stateless), new URL(ready.stateful), new URL(ready.oauth), ready.oauthCallers);
  }

  /** The server's memory after a full GC. */
  memory(): Promise<MemoryFigures> {
    return new Promise((resolve) => {
      const listener = (message: ServerMessage) => {
        if (message.type !== 'memory') return;
        this.child.off('message', listener);
        resolve({ rss: message.rss, heapUsed: message.heapUsed });
      };
      this.child.on('message', listener);
      this.child.send({ type: 'memory' } satisfies ParentMessage);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
