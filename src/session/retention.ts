/** How long a store keeps a session after its `expiresAt`, unless `cleanupExpired()` runs first. */
export const DEFAULT_RETAIN_EXPIRED_SECONDS = 86_400;

/**
 * When a store forgets an expired session by itself. Expired sessions are kept for a while so that
 * a caller can still tell "expired" from "unknown" and use the refresh token; after
 * `retainExpiredSeconds` they are gone (Redis: the key's TTL; memory and file: checked on read).
 */
export class RetentionPolicy {
  readonly retainExpiredSeconds: number;

  constructor(retainExpiredSeconds: number = DEFAULT_RETAIN_EXPIRED_SECONDS) {
    if (!Number.isFinite(retainExpiredSeconds) || retainExpiredSeconds < 0) {
      throw new RangeError('retainExpiredSeconds must be a finite number >= 0');
    }
    this.retainExpiredSeconds = retainExpiredSeconds;
  }

  /**
   * Milliseconds the session has left in the store: `undefined` when it has no `expiresAt` (kept
   * until deleted), `<= 0` when it is already over.
   */
  remainingMs(expiresAt: number | undefined, nowMs: number = Date.now()): number | undefined {
    if (expiresAt === undefined) return undefined;
    return Math.floor((expiresAt + this.retainExpiredSeconds) * 1000 - nowMs);
  }

  isOver(expiresAt: number | undefined, nowMs?: number): boolean {
    // Checked on every read: no clock read for sessions without an expiry.
    if (expiresAt === undefined) return false;
    return this.remainingMs(expiresAt, nowMs)! <= 0;
  }
}
