import type { ServerResponse } from 'node:http';

/** Limits of the stateful MCP sessions of one endpoint. */
export interface McpSessionLimits {
  maxSessions: number;
  maxSessionsPerUser: number;
  idleTimeoutMs: number;
}

/** Why `reserve` refused: the server is full, or the caller's every slot is still being opened. */
export type McpSessionRefusal = 'server_full' | 'user_busy';

/** A place taken by `initialize`; a session once the SDK has given it an id. */
export class McpSessionSlot<S> {
  id: string | undefined;
  /** What the endpoint keeps for the session (its SDK transport and server). */
  session: S | undefined;
  openResponses = 0;
  removed = false;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(readonly owner: string | undefined) {}
}

/**
 * The stateful MCP sessions of an endpoint, with their limits. A slot is taken synchronously when
 * `initialize` arrives (so a burst can never overshoot `maxSessions`) and given back if the session
 * never initializes. A caller at `maxSessionsPerUser` loses their least recently used session to a
 * new one; a session with no request and no open response for `idleTimeoutMs` is closed.
 *
 * @example
 * const table = new McpSessionTable<Entry>(limits, (entry) => entry.transport.close());
 * const slot = table.reserve('github:123'); // or 'server_full' / 'user_busy'
 */
export class McpSessionTable<S> {
  private readonly slots = new Set<McpSessionSlot<S>>();
  private readonly byId = new Map<string, McpSessionSlot<S>>();
  /** Each owner's slots, least recently used first (a Set keeps insertion order). */
  private readonly byOwner = new Map<string, Set<McpSessionSlot<S>>>();

  constructor(
    private readonly limits: McpSessionLimits,
    private readonly closeSession: (session: S) => Promise<unknown>,
  ) {}

  /** Takes a slot for a new session of `owner` (undefined: an anonymous caller), or says why not. */
  reserve(owner: string | undefined): McpSessionSlot<S> | McpSessionRefusal {
    const own = owner === undefined ? undefined : this.byOwner.get(owner);
    if (own && own.size >= this.limits.maxSessionsPerUser) {
      const leastRecent = leastRecentlyUsed(own);
      if (!leastRecent) return 'user_busy';
      void this.evict(leastRecent);
    }
    if (this.slots.size >= this.limits.maxSessions) return 'server_full';
    const slot = new McpSessionSlot<S>(owner);
    this.slots.add(slot);
    if (owner !== undefined) {
      if (own) own.add(slot);
      else this.byOwner.set(owner, new Set([slot]));
    }
    return slot;
  }

  /** The SDK gave the slot's session its id; false when the slot was closed meanwhile. */
  activate(slot: McpSessionSlot<S>, id: string): boolean {
    if (slot.removed) return false;
    slot.id = id;
    this.byId.set(id, slot);
    return true;
  }

  /** The session with this id, if `caller` may use it: only the identity that opened it may. */
  find(id: string, caller: string | undefined): McpSessionSlot<S> | undefined {
    const slot = this.byId.get(id);
    return slot && (slot.owner === undefined || slot.owner === caller) ? slot : undefined;
  }

  /** Counts `res` as an open response of the slot's session until it closes; marks it most recently used. */
  track(slot: McpSessionSlot<S>, res: ServerResponse): void {
    slot.openResponses += 1;
    const own = slot.owner === undefined ? undefined : this.byOwner.get(slot.owner);
    if (own?.delete(slot)) own.add(slot);
    res.once('close', () => {
      slot.openResponses -= 1;
      if (slot.openResponses === 0 && !slot.removed) this.startIdleTimer(slot);
    });
  }

  /** Takes the slot out of the table (its id answers 404 from now on). Idempotent. */
  remove(slot: McpSessionSlot<S>): void {
    if (slot.removed) return;
    slot.removed = true;
    clearTimeout(slot.idleTimer);
    this.slots.delete(slot);
    if (slot.id !== undefined && this.byId.get(slot.id) === slot) this.byId.delete(slot.id);
    const own = slot.owner === undefined ? undefined : this.byOwner.get(slot.owner);
    if (own?.delete(slot) && own.size === 0) this.byOwner.delete(slot.owner!);
  }

  /** Removes the slot and closes its session. */
  evict(slot: McpSessionSlot<S>): Promise<void> {
    this.remove(slot);
    const session = slot.session;
    slot.session = undefined;
    return session === undefined ? Promise.resolve() : this.closeSession(session).then(() => undefined, () => undefined);
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.slots].map((slot) => this.evict(slot)));
  }

  private startIdleTimer(slot: McpSessionSlot<S>): void {
    if (slot.idleTimer) {
      slot.idleTimer.refresh();
      return;
    }
    slot.idleTimer = setTimeout(() => {
      // A request that started since will restart the timer when its response closes.
      if (slot.openResponses === 0) void this.evict(slot);
    }, this.limits.idleTimeoutMs);
    slot.idleTimer.unref();
  }
}

/** The owner's least recently used session, preferring one without an open stream (that one is in use now). */
function leastRecentlyUsed<S>(own: Set<McpSessionSlot<S>>): McpSessionSlot<S> | undefined {
  let withOpenStream: McpSessionSlot<S> | undefined;
  for (const slot of own) {
    if (slot.id === undefined) continue;
    if (slot.openResponses === 0) return slot;
    withOpenStream ??= slot;
  }
  return withOpenStream;
}
