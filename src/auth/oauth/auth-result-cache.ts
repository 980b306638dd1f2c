import type { AuthContext } from '../auth-context';
import { VerifiedTokenCache } from '../providers/verified-token-cache';
import { hashToken } from '../token-hash';

export interface AuthResultCacheOptions {
  /** How long a validated token is trusted without asking the provider again (seconds; 0 disables). */
  ttlSeconds: number;
  /** Most tokens remembered at once. */
  maxEntries: number;
}

/**
 * Remembers which access tokens a provider recently accepted (by token hash, through
 * `VerifiedTokenCache`), for at most `ttlSeconds` and never past the token's own expiry.
 * Concurrent validations of one token share a single provider request. Only successes are
 * cached: a refused or unverifiable token is asked about again.
 */
export class AuthResultCache {
  private readonly accepted?: VerifiedTokenCache<AuthContext>;
  private readonly inFlight = new Map<string, Promise<AuthContext>>();

  constructor(private readonly options: AuthResultCacheOptions) {
    if (options.ttlSeconds > 0) this.accepted = new VerifiedTokenCache(options.maxEntries);
  }

  /** The cached context for `token`, or the result of `validate()` (cached when it succeeds). */
  async getOrValidate(token: string, validate: () => Promise<AuthContext>): Promise<AuthContext> {
    const cached = this.accepted?.get(token);
    if (cached) return cached;

    const key = hashToken(token);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const validation = validate()
      .then((context) => {
        this.remember(token, context);
        return context;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, validation);
    return validation;
  }

  private remember(token: string, context: AuthContext): void {
    let validUntil = Date.now() / 1000 + this.options.ttlSeconds;
    if (context.expiresAt !== undefined) validUntil = Math.min(validUntil, context.expiresAt);
    this.accepted?.set(token, context, validUntil);
  }
}
