/**
 * Logs a failure of the server itself (never of client input, which gets a 4xx) in one line: a
 * stack per request would flood the log, and nothing is thrown on into a host app.
 */
export function reportInternalError(error: unknown): void {
  const what = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : 'a non-Error value was thrown';
  console.error(`[nextmcp] an MCP request failed inside the server (answered 500): ${what}`);
}
