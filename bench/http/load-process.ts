import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WindowSample } from '../lib/sample';
import type { LoadJob, LoadReply, LoadRequest } from './load-protocol';

/** The bench's handle on its load-generating child process (started once, stopped at the end). */
export class LoadProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (s: WindowSample) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: LoadReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.sample) waiter?.resolve(reply.sample);
      else waiter?.reject(new Error(`load process: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load process exited (${code})`));
      this.pending.clear();
    });
  }

  static start(): LoadProcess {
    const child = fork(join(__dirname, 'load-worker.ts'), [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new LoadProcess(child);
  }

  run(job: LoadJob): Promise<WindowSample> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job } satisfies LoadRequest);
    });
  }

  /** Ends the child and waits until it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
