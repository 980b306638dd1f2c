import { describeError, type Logger } from '../../logging/logger';

/**
 * Logs a failure of the server itself (never of client input, which gets a 4xx) in one line: a
 * stack per request would flood the log, and nothing is thrown on into a host app.
 */
export function reportInternalError(logger: Logger, error: unknown): void {
  logger.error({ error: describeError(error) }, 'an MCP request failed inside the server (answered 500)');
}
