import { consoleLogger, type Logger } from './logger';
import { RedactingLogger } from './redacting-logger';

/** The logger of the server that uses a component (a session store), for components given none. */
const serverLoggers = new WeakMap<object, Logger>();

/** A server using `component` makes its logger the component's, unless the component has its own. */
export function useServerLogger(component: object, logger: Logger): void {
  if (!serverLoggers.has(component)) serverLoggers.set(component, logger);
}

/**
 * How a component that can be used without a server logs: its own `logger` option, else the
 * logger of the server using it, else the console; redacted either way.
 */
export function componentLogger(component: object, own: Logger | undefined): Logger {
  return new RedactingLogger(() => own ?? serverLoggers.get(component) ?? consoleLogger);
}
