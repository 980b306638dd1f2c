/** The structured part of a log line. */
export type LogFields = Record<string, unknown>;

/**
 * Where the package logs: pino's shape, each level called as `(fields, message)`, so a pino (or
 * bunyan-style) logger fits as it is. Whatever the package passes has been redacted already: no
 * token, code, secret or credential reaches it.
 *
 * @example
 * import pino from 'pino';
 * const mcp = new NextMCP({ name: 'Notes', version: '1.0.0', logger: pino() });
 *
 * // or any object of this shape:
 * const lines: string[] = [];
 * const logger: Logger = {
 *   debug: () => {},
 *   info: (fields, message) => lines.push(`${message} ${JSON.stringify(fields)}`),
 *   warn: (fields, message) => lines.push(`WARN ${message} ${JSON.stringify(fields)}`),
 *   error: (fields, message) => lines.push(`ERROR ${message} ${JSON.stringify(fields)}`),
 * };
 */
export interface Logger {
  /** Detail for debugging. */
  debug(fields: LogFields, message: string): void;
  /** Something worth knowing happened. */
  info(fields: LogFields, message: string): void;
  /** Something went wrong, and the package carried on (a listener failed, a corrupt session was set aside). */
  warn(fields: LogFields, message: string): void;
  /** Something failed (the session store, a request inside the server). */
  error(fields: LogFields, message: string): void;
}

/**
 * The default: one `[nextmcp] message {fields}` line per call, always on stderr (`console.warn` /
 * `console.error`): on stdio, stdout is the protocol, and a log line there would break it.
 */
export const consoleLogger: Logger = {
  debug: (fields, message) => console.error(consoleLine('debug: ', fields, message)),
  info: (fields, message) => console.error(consoleLine('', fields, message)),
  warn: (fields, message) => console.warn(consoleLine('', fields, message)),
  error: (fields, message) => console.error(consoleLine('', fields, message)),
};

function consoleLine(level: string, fields: LogFields, message: string): string {
  const text = `[nextmcp] ${level}${message}`;
  return Object.keys(fields).length === 0 ? text : `${text} ${JSON.stringify(fields)}`;
}

/** Name and message of a thrown value, never its `cause` or other properties (they might hold a token). */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : 'a non-Error value was thrown';
}
