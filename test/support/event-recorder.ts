import type { AuthEventMap, AuthEventName, NextMCP } from '../../src';
import { AUTH_EVENT_NAMES } from '../../src/auth/events/auth-event-map';

export interface RecordedEvent<E extends AuthEventName = AuthEventName> {
  event: E;
  payload: AuthEventMap[E];
}

/** Listens to every event of `mcp`, keeping them in order. */
export function recordEvents(mcp: NextMCP): { events: RecordedEvent[]; of<E extends AuthEventName>(event: E): AuthEventMap[E][]; clear(): void; stop(): void } {
  const events: RecordedEvent[] = [];
  const stops = AUTH_EVENT_NAMES.map((name) => mcp.on(name, (payload, event) => void events.push({ event, payload } as RecordedEvent)));
  return {
    events,
    of: <E extends AuthEventName>(event: E) => events.filter((e) => e.event === event).map((e) => e.payload as AuthEventMap[E]),
    clear: () => void events.splice(0),
    stop: () => stops.forEach((stop) => stop()),
  };
}

/** Lets listeners queued so far run (they run on a later turn of the event loop). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
