import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ECHO_TOOL, checkEcho, echoText } from '../fixtures/echo';
import { runWindow } from '../lib/window';
import type { OpenScenario } from '../lib/scenario';
import type { Credentials } from '../../src/auth/provider';

export const IN_PROCESS = 'in-process';
export const IN_PROCESS_BASELINE = 'SDK McpServer, no auth';
export const IN_PROCESS_NOISE_CHECK = 'SDK McpServer again (noise check: ideally 1.00×)';

/**
 * A scenario that calls the echo tool sequentially through a connected SDK `Client`. `credentials`
 * go in each request's `params._meta.auth`, written by the caller as an MCP host does.
 */
export function echoScenario(name: string, client: Client, close: () => Promise<void>, credentials?: Credentials): OpenScenario {
  const meta = credentials && { _meta: { auth: credentials } };
  return {
    group: IN_PROCESS,
    name,
    baseline: IN_PROCESS_BASELINE,
    measure: (windowMs) =>
      runWindow(async (n) => {
        const text = echoText(n);
        return checkEcho(await client.callTool({ name: ECHO_TOOL, arguments: { text }, ...meta }), text);
      }, windowMs),
    close,
  };
}
