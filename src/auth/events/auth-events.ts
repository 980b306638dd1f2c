import { describeError, type Logger } from '../../logging/logger';
import { deepFreeze } from '../../session/deep-freeze';
import { AUTH_EVENT_NAMES, type AuthEventListener, type AuthEventMap, type AuthEventName } from './auth-event-map';

type AnyListener = (payload: unknown, event: AuthEventName) => unknown;

/**
 * A server's auth events (`mcp.on()`). `emit()` only queues: listeners run on a later turn of the
 * event loop, after the decision, and are never awaited, so one that throws, rejects or hangs
 * changes nothing for the request; its error goes to the logger as a warning.
 */
export class AuthEvents {
  private readonly listeners = new Map<AuthEventName, Set<AnyListener>>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns the function that removes it (calling it twice is harmless). */
  on<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): () => void {
    if (!AUTH_EVENT_NAMES.includes(event)) {
      throw new TypeError(`Unknown auth event "${String(event)}"; known events: ${AUTH_EVENT_NAMES.join(', ')}`);
    }
    if (typeof listener !== 'function') throw new TypeError('on() takes a listener function');
    // A wrapper per subscription: adding one function twice gives two independent subscriptions.
    const subscription: AnyListener = (payload, name) => listener(payload as AuthEventMap[E], name as E);
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(subscription);
    return () => {
      set!.delete(subscription);
    };
  }

  /** Whether anyone listens to `event` (so a payload need not be built when nobody does). */
  has(event: AuthEventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  /** Queues `payload` for the listeners of `event`; returns at once. */
  emit<E extends AuthEventName>(event: E, payload: AuthEventMap[E]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    // Built by the package for this emit only, so freezing it in place is safe; listeners share it.
    const frozen = deepFreeze(payload);
    const listeners = [...set];
    setImmediate(() => {
      for (const listener of listeners) this.call(listener, event, frozen);
    });
  }

  private call(listener: AnyListener, event: AuthEventName, payload: unknown): void {
    const failed = (error: unknown) => this.logger.warn({ event, error: describeError(error) }, 'an auth event listener failed');
    try {
      const result = listener(payload, event);
      if (isThenable(result)) result.then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
