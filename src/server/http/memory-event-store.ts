import type { LRUCache } from 'lru-cache';
import { createLruCache } from '../../lru-cache';
import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Options of `new MemoryEventStore()`: bounds on what one MCP session's store keeps. */
export interface MemoryEventStoreOptions {
  /** Most events kept; the oldest go first. Default 100. */
  maxEvents?: number;
  /** Most bytes of JSON kept; an event larger than this is not kept. Default 1 MiB. */
  maxBytes?: number;
  /** How long an event can be replayed, in ms. Default 60 000. */
  ttlMs?: number;
}

interface StoredEvent {
  streamId: StreamId;
  sequence: number;
  message: JSONRPCMessage;
  bytes: number;
}

/**
 * The events one MCP session sent on its SSE streams, kept (bounded) so that a client reconnecting
 * with `Last-Event-ID` gets what it missed: the SDK's `EventStore`, in memory. One store serves one
 * session only: the standalone GET stream has the same id in every session.
 *
 * @example
 * await mcp.listen({ transport: 'http', eventStore: () => new MemoryEventStore({ maxEvents: 500 }) });
 */
export class MemoryEventStore implements EventStore {
  private readonly events: LRUCache<EventId, StoredEvent>;
  private sequence = 0;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.events = createLruCache<EventId, StoredEvent>({
      max: options.maxEvents ?? 100,
      maxSize: options.maxBytes ?? 1024 * 1024,
      sizeCalculation: (event) => Math.max(1, event.bytes),
      ttl: options.ttlMs ?? 60_000,
    });
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const sequence = ++this.sequence;
    const eventId = `${sequence}:${streamId}`;
    this.events.set(eventId, { streamId, sequence, message, bytes: Buffer.byteLength(JSON.stringify(message)) });
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.peek(eventId)?.streamId;
  }

  /**
   * Sends, in order, the events of `lastEventId`'s stream stored after it, and resolves to that
   * stream's id; rejects when `lastEventId` is unknown or expired (the client then starts afresh).
   */
  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const last = this.events.peek(lastEventId);
    if (!last) throw new Error('Unknown or expired Last-Event-ID');
    // Entries are never read with get(), so oldest-first order is the order they were sent in.
    // Collected first: events stored while replaying must not change what is being iterated.
    const missed = [...(this.events.rentries() as Iterable<[EventId, StoredEvent]>)].filter(
      // Priming events carry no message: nothing to replay.
      ([, event]) => event.streamId === last.streamId && event.sequence > last.sequence && Object.keys(event.message).length > 0,
    );
    for (const [eventId, event] of missed) await send(eventId, event.message);
    return last.streamId;
  }
}
