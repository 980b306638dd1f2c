import { randomBytes } from 'node:crypto';
import { SessionData } from '../../src/session';

export const PROVIDER = 'github';

/** The sessions a store is filled with: realistic sizes, one GitHub-like token each. */
export class BenchSessions {
  /** Shared by this set's tokens; each token ends with its index, so it is made, not looked up. */
  private readonly tokenPrefix = `gho_${randomBytes(14).toString('hex')}`;
  private readonly expiresAt = Math.floor(Date.now() / 1000) + 8 * 3600;

  constructor(readonly count: number) {}

  /**
   * Session `index`'s token (40 characters, like GitHub's), built on each call: a request's token
   * is a fresh string too, so the harness does not read memory that grows with the store (a table
   * of 100k tokens would add its own cache misses to every lookup it measures).
   */
  token(index: number): string {
    return this.tokenPrefix + index.toString(16).padStart(8, '0');
  }

  userId(index: number): string {
    return `user-${index}`;
  }

  session(index: number): SessionData {
    return new SessionData({
      userId: this.userId(index),
      provider: PROVIDER,
      accessToken: this.token(index),
      refreshToken: `ghr_${index.toString(16).padStart(12, '0')}`,
      expiresAt: this.expiresAt,
      scopes: ['read:user', 'read:org'],
      userInfo: { login: `user${index}`, id: index },
    });
  }

  /** A uniformly random index (so lookups do not walk the store in insertion order). */
  pick(): number {
    return Math.floor(Math.random() * this.count);
  }
}
