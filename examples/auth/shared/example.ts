import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { callTool, describeOutcome, refusalOf, type Outcome } from './outcome';

/** How an example is run: by `npm run example -- NAME`, or by its smoke test. */
export interface ExampleOptions {
  /** Where credentials come from; real provider credentials here make the example talk to GitHub/Google. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives each line the example prints. Default `console.log`. */
  log?: (line: string) => void;
  /** Keep serving after the demo (and always with real credentials) until Ctrl-C. */
  serve?: boolean;
}

/** What the demo's calls came to, by step name; the smoke tests read it. */
export type ExampleReport = Record<string, Outcome>;

/** An example's entry point. */
export type RunExample = (options?: ExampleOptions) => Promise<ExampleReport>;

/** Printing for an example: numbered steps and their outcomes. */
export class ExampleOutput {
  constructor(private readonly print: (line: string) => void) {}

  line(text = ''): void {
    this.print(text);
  }

  step(text: string): void {
    this.print(`\n▶ ${text}`);
  }

  outcome(what: string, outcome: Outcome): Outcome {
    this.print(`  ${what}: ${describeOutcome(outcome)}`);
    return outcome;
  }
}

/** An MCP client over Streamable HTTP sending `headers` (e.g. `Authorization: Bearer …`) with every request. */
export async function connectHttp(url: URL, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'example-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}

/** Connects, calls one tool, disconnects: what a client with these headers gets. */
export async function callOverHttp(url: URL, headers: Record<string, string>, tool: string, args: Record<string, unknown> = {}): Promise<Outcome> {
  let client: Client;
  try {
    client = await connectHttp(url, headers);
  } catch (error) {
    // Over HTTP a REQUIRED server refuses the connection itself (401 before initialize).
    return refusalOf(error);
  }
  try {
    return await callTool(client, tool, args);
  } finally {
    await client.close();
  }
}

/** The port to listen on: `PORT`, else `fallback` (e.g. the one registered with the OAuth app), else a free one. */
export async function choosePort(env: NodeJS.ProcessEnv, fallback?: number): Promise<number> {
  if (env.PORT) return Number(env.PORT);
  if (fallback !== undefined) return fallback;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Keeps the example serving until Ctrl-C, then runs `close`. */
export function serveUntilInterrupted(output: ExampleOutput, close: () => Promise<unknown>): void {
  output.line('\nServing; press Ctrl-C to stop.');
  process.once('SIGINT', () => {
    void close().finally(() => process.exit(0));
  });
}
