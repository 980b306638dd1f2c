/** The protocol version raw requests speak. */
export const PROTOCOL = '2025-11-25';

/** A raw MCP POST, as a Streamable HTTP client sends it. */
export function postMcp(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL, ...headers },
    body: JSON.stringify(body),
  });
}

/** One server-sent event as the wire carries it. */
export interface SseEvent {
  id?: string;
  retry?: number;
  data: string;
}

/** Reads server-sent events from a fetch response body, one at a time. */
export class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<string>;

  constructor(response: Response) {
    this.reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event, or undefined once the stream has ended. */
  async next(): Promise<SseEvent | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = parseEvent(block);
        if (event) return event;
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) return undefined;
      this.buffer += value;
    }
  }

  /** The events up to the end of the stream. */
  async rest(): Promise<SseEvent[]> {
    const events: SseEvent[] = [];
    for (let event = await this.next(); event; event = await this.next()) events.push(event);
    return events;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function parseEvent(block: string): SseEvent | undefined {
  const event: SseEvent = { data: '' };
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields++;
    if (name === 'id') event.id = value;
    else if (name === 'retry') event.retry = Number(value);
    else if (name === 'data') event.data = event.data ? `${event.data}\n${value}` : value;
  }
  return fields > 0 ? event : undefined;
}
