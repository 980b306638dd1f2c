import { createLruCache } from '../lru-cache';
/** Whoever was sent an elicitation: told when it completes. */
export interface ElicitationRecipient {
  notifyElicitationComplete(elicitationId: string): Promise<void>;
}

/** Most URL elicitations remembered; the oldest are forgotten first. */
const MAX_ELICITATIONS = 10_000;

/**
 * Which MCP session was sent each URL elicitation (by `ctx.elicit()` or a thrown
 * `UrlElicitationRequiredError`), so `mcp.completeElicitation(id)` can notify that session alone.
 */
export class ElicitationRegistry {
  private readonly sessions = createLruCache<string, ElicitationRecipient>({ max: MAX_ELICITATIONS });

  add(elicitationId: string, client: ElicitationRecipient): void {
    this.sessions.set(elicitationId, client);
  }

  /**
   * Sends `notifications/elicitation/complete` to the session that received `elicitationId`;
   * resolves to false when no open session did (unknown, already completed, or closed).
   */
  async complete(elicitationId: string): Promise<boolean> {
    const client = this.sessions.get(elicitationId);
    if (!client) return false;
    this.sessions.delete(elicitationId);
    await client.notifyElicitationComplete(elicitationId);
    return true;
  }

  /** Drops what a closed session was sent. */
  forget(client: ElicitationRecipient): void {
    const sent = [...this.sessions.entries()].filter(([, holder]) => holder === client);
    for (const [id] of sent) this.sessions.delete(id);
  }
}
