import { LoggingLevelSchema, type ClientCapabilities, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/**
 * The client at the other end of one MCP session (a stdio or in-memory connection, or one stateful
 * HTTP session), as a handler's `ToolContext` reaches it.
 */
export interface ClientConnection {
  /** What the client declared in `initialize` (undefined before it has). */
  readonly capabilities: ClientCapabilities | undefined;
  /** The level the client set with `logging/setLevel`; until it sets one, every message is sent. */
  logLevel: LoggingLevel | undefined;
  /** Why requests to the client cannot be sent on this connection (stateless HTTP), when they cannot. */
  readonly requestsUnavailable?: string;
  /** Remembers that this session was sent URL elicitation `elicitationId`, for `completeElicitation()`. */
  elicitationSent(elicitationId: string): void;
  /** Checks accepted form content against the schema it answers; the reason when it does not match. */
  contentMismatch(schema: object, content: unknown): string | undefined;
}

/**
 * A request to the client was not sent because the client did not declare the capability it needs
 * (`sampling`, `sampling.tools`, `elicitation`, `elicitation.form`, `elicitation.url`, `roots`).
 */
export class ClientCapabilityError extends Error {
  constructor(
    /** The request that was not sent, e.g. `'sampling/createMessage'`. */
    readonly method: string,
    /** The capability the client did not declare, e.g. `'sampling.tools'`. */
    readonly capability: string,
  ) {
    super(`The client did not declare the "${capability}" capability, so ${method} was not sent`);
    this.name = 'ClientCapabilityError';
  }
}

/** A request to the client was not sent because the connection cannot carry one (stateless HTTP). */
export class ClientRequestUnavailableError extends Error {
  constructor(
    /** The request that was not sent, e.g. `'elicitation/create'`. */
    readonly method: string,
    reason: string,
  ) {
    super(`${method} was not sent: ${reason}`);
    this.name = 'ClientRequestUnavailableError';
  }
}

/** A request to the client was cancelled because the call it was sent for ended (cancelled, or its client went away). */
export class ClientRequestCancelledError extends Error {
  constructor(
    /** The request that was cancelled, e.g. `'roots/list'`. */
    readonly method: string,
  ) {
    super(`${method} was cancelled: the call it was sent for was cancelled, or its client went away`);
    this.name = 'ClientRequestCancelledError';
  }
}

/** The capability `method` (with these params) needs that `capabilities` lacks, if any. */
export function missingCapability(method: string, params: Record<string, unknown>, capabilities: ClientCapabilities | undefined): string | undefined {
  switch (method) {
    case 'sampling/createMessage':
      if (!capabilities?.sampling) return 'sampling';
      if ((params.tools !== undefined || params.toolChoice !== undefined) && !capabilities.sampling.tools) return 'sampling.tools';
      return undefined;
    case 'elicitation/create': {
      const elicitation = capabilities?.elicitation as Record<string, unknown> | undefined;
      if (params.mode === 'url') return elicitation?.url ? undefined : 'elicitation.url';
      if (!elicitation) return 'elicitation';
      // An empty `elicitation: {}` means form mode (the 2025-06-18 shape).
      return elicitation.form || Object.keys(elicitation).length === 0 ? undefined : 'elicitation.form';
    }
    case 'roots/list':
      return capabilities?.roots ? undefined : 'roots';
    default:
      return undefined;
  }
}

const SEVERITY = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));

/** Whether a message at `level` is sent to a client that asked for `minimum` and above. */
export function isLevelEnabled(level: LoggingLevel, minimum: LoggingLevel | undefined): boolean {
  return minimum === undefined || (SEVERITY.get(level) ?? Infinity) >= (SEVERITY.get(minimum) ?? 0);
}
