import { randomBytes } from 'node:crypto';
import { SessionData } from '../../src/session';

export const PROVIDER = 'github';

/** The sessions a store is filled with: realistic sizes, one GitHub-like token each. */
export class BenchSessions {
  readonly tokens: string[];
  private readonly expiresAt = Math.floor(Date.now() / 1000) + 8 * 3600;

  constructor(readonly count: number) {
    this.tokens = Array.from({ length: count }, () => `gho_${randomBytes(18).toString('hex')}`);
  }

  userId(index: number): string {
    return `user-${index}`;
  }

  session(index: number): SessionData {
    return new SessionData({
      userId: this.userId(index),
      provider: PROVIDER,
      accessToken: this.tokens[index],
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
