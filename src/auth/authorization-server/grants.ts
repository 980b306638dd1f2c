import type { AuthEvents } from '../events/auth-events';
import { randomBytes } from 'node:crypto';
import { AuthorizationStoreError } from './authorization-store';
import type { AccessTokens } from './access-tokens';
import { recordKeys, type AuthorizationRecords, type GrantRecord, type RefreshRecord, type UserGrantsRecord } from './records';

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export interface GrantLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const LOCK_SECONDS = 5;
const LOCK_ATTEMPTS = 100;
const LOCK_RETRY_MS = 20;

/**
 * Grants and the tokens issued from them. A grant record's existence is what keeps its access and
 * refresh tokens valid, so revoking is deleting it; each user's grants are indexed for `revokeUser`.
 */
export class Grants {
  constructor(
    private readonly records: AuthorizationRecords,
    private readonly accessTokens: AccessTokens,
    private readonly upstream: string,
    private readonly lifetimes: GrantLifetimes,
    /** Where `grant:issued` and `grant:revoked` go (the server's auth events). */
    private readonly events: Pick<AuthEvents, 'emit'>,
  ) {}

  read(grantId: string): Promise<GrantRecord | null> {
    return this.records.read<GrantRecord>(recordKeys.grant(grantId));
  }

  /** Creates the grant (from a redeemed code) and issues its first tokens. */
  async create(grantId: string, grant: GrantRecord, withRefreshToken: boolean): Promise<TokenResponseBody> {
    await this.save(grantId, grant);
    await this.index(grant.identity.userId, grantId);
    const body = await this.issue(grantId, grant, grant.scopes, withRefreshToken);
    this.events.emit('grant:issued', { grantId, clientId: grant.clientId, userId: grant.identity.userId });
    return body;
  }

  /** Writes the grant again (identity re-checked, lifetime extended). */
  async save(grantId: string, grant: GrantRecord): Promise<void> {
    await this.records.write(recordKeys.grant(grantId), grant, this.grantTtl());
  }

  /** A new access token for `scopes` and, if asked, a new refresh token bound to the grant's client. */
  async issue(grantId: string, grant: GrantRecord, scopes: readonly string[], withRefreshToken: boolean): Promise<TokenResponseBody> {
    const access = await this.accessTokens.mint({ userId: grant.identity.userId, clientId: grant.clientId, scopes, grantId });
    const body: TokenResponseBody = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: scopes.join(' ') };
    if (withRefreshToken) {
      const refreshToken = randomBytes(32).toString('base64url');
      const record: RefreshRecord = { grantId, clientId: grant.clientId };
      await this.records.write(recordKeys.refresh(refreshToken), record, this.lifetimes.refreshTokenTtlSeconds);
      body.refresh_token = refreshToken;
    }
    return body;
  }

  /** Ends a grant: its access and refresh tokens are refused from the next request on. */
  async revoke(grantId: string): Promise<boolean> {
    // Read first only to say whose grant ended.
    const grant = await this.read(grantId);
    const removed = await this.records.delete(recordKeys.grant(grantId));
    if (removed && grant) this.events.emit('grant:revoked', { grantId, clientId: grant.clientId, userId: grant.identity.userId });
    return removed;
  }

  /** Ends every grant of a user; resolves to how many there were. */
  async revokeUser(userId: string): Promise<number> {
    return this.withUserLock(userId, async () => {
      const index = await this.records.take<UserGrantsRecord>(recordKeys.user(this.upstream, userId));
      let revoked = 0;
      for (const grantId of Object.keys(index?.grants ?? {})) if (await this.revoke(grantId)) revoked++;
      return revoked;
    });
  }

  private grantTtl(): number {
    return Math.max(this.lifetimes.accessTokenTtlSeconds, this.lifetimes.refreshTokenTtlSeconds);
  }

  /** Adds a grant to its user's index, dropping entries that have expired. */
  private async index(userId: string, grantId: string): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    await this.withUserLock(userId, async () => {
      const key = recordKeys.user(this.upstream, userId);
      const index = (await this.records.read<UserGrantsRecord>(key)) ?? { grants: {} };
      const grants = Object.fromEntries(Object.entries(index.grants).filter(([, expires]) => expires > now));
      grants[grantId] = now + this.grantTtl();
      await this.records.write(key, { grants }, this.grantTtl());
    });
  }

  /** Serializes changes to one user's index across replicas, with a short lock that expires by itself. */
  private async withUserLock<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const lockKey = recordKeys.userLock(this.upstream, userId);
    const holder = randomBytes(16).toString('base64url');
    for (let attempt = 0; !(await this.records.store.set(lockKey, holder, LOCK_SECONDS, { onlyIfAbsent: true })); attempt++) {
      if (attempt >= LOCK_ATTEMPTS) throw new AuthorizationStoreError('Authorization store: a user record stayed locked');
      await new Promise((done) => setTimeout(done, LOCK_RETRY_MS));
    }
    try {
      return await work();
    } finally {
      if ((await this.records.store.get(lockKey)) === holder) await this.records.store.delete(lockKey);
    }
  }
}

