import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ECHO_TOOL, checkEcho, echoText } from '../fixtures/echo';
import { runWindow } from '../lib/window';
import type { OpenScenario } from '../lib/scenario';

export const IN_PROCESS = 'in-process';
export const IN_PROCESS_BASELINE = 'SDK McpServer, no auth';

/** A scenario that calls the echo tool sequentially through a connected SDK `Client`. */
export function echoScenario(name: string, client: Client, close: () => Promise<void>): OpenScenario {
  return {
    group: IN_PROCESS,
    name,
    baseline: IN_PROCESS_BASELINE,
    measure: (windowMs) =>
      runWindow(async (n) => {
        const text = echoText(n);
        return checkEcho(await client.callTool({ name: ECHO_TOOL, arguments: { text } }), text);
      }, windowMs),
    close,
  };
}
