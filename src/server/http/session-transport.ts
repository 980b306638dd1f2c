import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport, type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { isInitializeRequest, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { MemoryEventStore } from './memory-event-store';

/** How one MCP session's streams are made resumable (SEP-1699). */
export interface ResumableStreamOptions {
  /** Where the session's sent events are kept; default a `MemoryEventStore` per session; `false`: none. */
  eventStore?: false | ((sessionId: string) => EventStore);
  /** The `retry:` field (ms) of each stream's priming event. */
  retryInterval?: number;
}

const PROTOCOL_HEADER = 'mcp-protocol-version';

/**
 * The SDK's Streamable HTTP transport for one MCP session, with resumable streams, serving every
 * request at the protocol version the session negotiated: the SDK gives a stream its priming event
 * (what makes it resumable) by the request's `MCP-Protocol-Version`, and a request labelled with an
 * older version than the session's would otherwise lose that.
 */
export class SessionTransport extends StreamableHTTPServerTransport {
  private negotiatedVersion?: string;

  constructor(options: ResumableStreamOptions & { enableJsonResponse?: boolean; onsessioninitialized: (sessionId: string) => void }) {
    const sessionId = randomUUID();
    super({
      sessionIdGenerator: () => sessionId,
      enableJsonResponse: options.enableJsonResponse,
      onsessioninitialized: options.onsessioninitialized,
      eventStore: options.eventStore === false ? undefined : (options.eventStore?.(sessionId) ?? new MemoryEventStore()),
      retryInterval: options.retryInterval,
    });
  }

  override async handleRequest(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, parsedBody?: unknown): Promise<void> {
    if (this.negotiatedVersion === undefined) this.negotiatedVersion = negotiatedBy(parsedBody);
    else alignProtocolHeader(req, this.negotiatedVersion);
    return super.handleRequest(req, res, parsedBody);
  }
}

/** The version the SDK `Server` answers an `initialize` in `body` with. */
function negotiatedBy(body: unknown): string | undefined {
  const initialize = (Array.isArray(body) ? body : [body]).find((message) => isInitializeRequest(message));
  if (!initialize) return undefined;
  const requested = initialize.params.protocolVersion;
  return SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

/** Rewrites a supported but different `MCP-Protocol-Version` to the session's (an unsupported one is left for the SDK to refuse). */
function alignProtocolHeader(req: IncomingMessage, version: string): void {
  const sent = req.headers[PROTOCOL_HEADER];
  if (typeof sent !== 'string' || sent === version || !SUPPORTED_PROTOCOL_VERSIONS.includes(sent)) return;
  // The SDK reads headers through a Fetch `Request` built from `rawHeaders`; Node code reads `headers`.
  req.headers[PROTOCOL_HEADER] = version;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === PROTOCOL_HEADER) req.rawHeaders[i + 1] = version;
  }
}
