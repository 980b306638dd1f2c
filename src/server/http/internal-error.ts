import type { ServerResponse } from 'node:http';
import { describeError, type Logger } from '../../logging/logger';
import { writeJsonRpcError } from './json-rpc-response';

/**
 * Logs a failure of the server itself (never of client input, which gets a 4xx) in one line: a
 * stack per request would flood the log, and nothing is thrown on into a host app.
 */
function reportInternalError(logger: Logger, error: unknown): void {
  logger.error({ error: describeError(error) }, 'an MCP request failed inside the server (answered 500)');
}

/** Logs it as above and answers 500 (-32603), or ends a response already under way. */
export function answerInternalError(res: ServerResponse, logger: Logger, error: unknown): void {
  reportInternalError(logger, error);
  if (res.headersSent) res.end();
  else writeJsonRpcError(res, 500, { code: -32603, message: 'Internal server error' });
}
