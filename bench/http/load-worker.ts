/**
 * The load generator, run as a child process of the bench so the servers under test get their
 * own core: it answers each `LoadRequest` with the window's sample. It exits when the bench
 * disconnects.
 */
import { McpHttpClient } from './mcp-http-client';
import type { LoadJob, LoadReply, LoadRequest } from './load-protocol';
import { runWindow } from '../lib/window';

async function run(job: LoadJob) {
  const clients = Array.from({ length: job.inFlight }, () => new McpHttpClient(new URL(job.url), job.headers));
  try {
    if (job.stateful) await Promise.all(clients.map((c) => c.open()));
    // Each lane owns one client (one connection, one MCP session); runWindow hands out lanes in turn.
    const idle = [...clients];
    return await runWindow(async (n) => {
      const client = idle.pop()!;
      try {
        return await client.echo(n);
      } finally {
        idle.push(client);
      }
    }, job.windowMs, job.inFlight);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

process.on('message', (message: LoadRequest) => {
  run(message.job).then(
    (sample) => process.send!({ id: message.id, sample } satisfies LoadReply),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
