import { inspect } from 'node:util';
import { CorruptSessionError } from './errors';
import { copyPlainData, NOT_PLAIN } from './copy-plain-data';

/** Seconds since the epoch, as `expiresAt`, `createdAt` and `updatedAt` are kept. */
export function epochSeconds(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000);
}

/** What `new SessionData(...)` takes. Times are epoch seconds. */
export interface SessionDataInit {
  /** The provider's stable user id. */
  userId: string;
  /** The provider's access token (for calling upstream APIs on the user's behalf). */
  accessToken: string;
  /** The refresh token, when the provider issued one. */
  refreshToken?: string;
  /** Default `'Bearer'`. */
  tokenType?: string;
  /** When the access token expires; unknown when omitted (then it never "needs refresh"). */
  expiresAt?: number;
  /** The scopes the provider granted. */
  scopes?: string[];
  /** What the provider said about the user (login, email, …). */
  userInfo?: Record<string, unknown>;
  /** The provider's name (`'github'`, `'google'`, …); part of the session's identity. */
  provider?: string;
  /** Free-form application data; round-trips through every store. */
  metadata?: Record<string, unknown>;
  /** Default: now. */
  createdAt?: number;
  /** Default: now. */
  updatedAt?: number;
}

/** The plain camelCase object `toJSON()` returns and `fromJSON()` reads. */
export interface SessionJSON {
  /** The provider's stable user id. */
  userId: string;
  /** The provider's access token (for calling upstream APIs as the user). */
  accessToken: string;
  /** The refresh token, when the provider issued one. */
  refreshToken?: string;
  /** The token type, `'Bearer'` by default. */
  tokenType: string;
  /** When the access token expires (epoch seconds); unknown when absent. */
  expiresAt?: number;
  /** The scopes the provider granted. */
  scopes: string[];
  /** What the provider said about the user (login, email, …). */
  userInfo: Record<string, unknown>;
  /** The provider's name; part of the session's identity. */
  provider?: string;
  /** Free-form application data; round-trips through every store. */
  metadata: Record<string, unknown>;
  /** When the session was created (epoch seconds). */
  createdAt: number;
  /** When it was last saved or its tokens replaced (epoch seconds). */
  updatedAt: number;
}

/**
 * One user's authenticated session with one provider: the provider's tokens, granted scopes, user
 * info and application metadata. Identity is (provider, userId).
 *
 * `util.inspect` (and so `console.log`) shows the tokens redacted; `toJSON()` carries them, for
 * stores only.
 *
 * @example
 * const session = new SessionData({
 *   userId: '123', provider: 'google', accessToken: tokens.access_token,
 *   refreshToken: tokens.refresh_token, expiresAt: epochSeconds() + tokens.expires_in,
 *   scopes: ['openid', 'email'], metadata: { plan: 'pro' },
 * });
 * await store.save(session);
 * if (session.needsRefresh()) { … }
 */
export class SessionData {
  /** The provider's stable user id. */
  userId: string;
  /** The provider's access token (for calling upstream APIs as the user). */
  accessToken: string;
  /** The refresh token, when the provider issued one. */
  refreshToken?: string;
  /** The token type, `'Bearer'` by default. */
  tokenType: string;
  /** When the access token expires (epoch seconds); unknown when absent. */
  expiresAt?: number;
  /** The scopes the provider granted. */
  scopes: string[];
  /** What the provider said about the user (login, email, …). */
  userInfo: Record<string, unknown>;
  /** The provider's name; part of the session's identity. */
  provider?: string;
  /** Free-form application data; round-trips through every store. */
  metadata: Record<string, unknown>;
  /** When the session was created (epoch seconds). */
  createdAt: number;
  /** When it was last saved or its tokens replaced (epoch seconds). */
  updatedAt: number;

  constructor(init: SessionDataInit) {
    const now = epochSeconds();
    this.userId = init.userId;
    this.accessToken = init.accessToken;
    this.refreshToken = init.refreshToken;
    this.tokenType = init.tokenType ?? 'Bearer';
    this.expiresAt = init.expiresAt;
    this.scopes = [...(init.scopes ?? [])];
    this.userInfo = { ...init.userInfo };
    this.provider = init.provider;
    this.metadata = { ...init.metadata };
    this.createdAt = init.createdAt ?? now;
    this.updatedAt = init.updatedAt ?? now;
  }

  /** True when `expiresAt` is known and has passed. */
  isExpired(now: number = epochSeconds()): boolean {
    return this.expiresAt !== undefined && now >= this.expiresAt;
  }

  /** True when the access token expires within `bufferSeconds`; false when `expiresAt` is unknown. */
  needsRefresh(bufferSeconds = 300, now: number = epochSeconds()): boolean {
    return this.expiresAt !== undefined && now + bufferSeconds >= this.expiresAt;
  }

  /** A deep copy, so a caller's edits do not reach a store's copy (or the other way round). */
  clone(): SessionData {
    const data = this.toJSON();
    const copied = copyPlainData(data);
    return new SessionData(copied === NOT_PLAIN ? structuredClone(data) : copied);
  }

  /** The plain object stores persist (tokens included). Optional fields that are unset are omitted. */
  toJSON(): SessionJSON {
    return {
      userId: this.userId,
      accessToken: this.accessToken,
      ...(this.refreshToken === undefined ? {} : { refreshToken: this.refreshToken }),
      tokenType: this.tokenType,
      ...(this.expiresAt === undefined ? {} : { expiresAt: this.expiresAt }),
      scopes: this.scopes,
      userInfo: this.userInfo,
      ...(this.provider === undefined ? {} : { provider: this.provider }),
      metadata: this.metadata,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
  }

  /**
   * Reads what `toJSON()` wrote, checking every field's type. `null` counts as absent for optional
   * fields (files written by other tools use it).
   *
   * @throws CorruptSessionError naming the first field with a wrong type (never its value).
   */
  static fromJSON(value: unknown): SessionData {
    if (!isPlainObject(value)) throw invalid('the session', 'an object');
    const fields = new SessionFieldReader(value);
    return new SessionData({
      userId: fields.requiredString('userId', { nonEmpty: true }),
      accessToken: fields.requiredString('accessToken'),
      refreshToken: fields.optionalString('refreshToken'),
      tokenType: fields.optionalString('tokenType'),
      expiresAt: fields.optionalNumber('expiresAt'),
      scopes: fields.optionalStringArray('scopes'),
      userInfo: fields.optionalObject('userInfo'),
      provider: fields.optionalString('provider'),
      metadata: fields.optionalObject('metadata'),
      createdAt: fields.optionalNumber('createdAt'),
      updatedAt: fields.optionalNumber('updatedAt'),
    });
  }

  /** Console output without token values. */
  [inspect.custom](): string {
    const shown = { ...this.toJSON(), accessToken: '[redacted]' } as Record<string, unknown>;
    if (this.refreshToken !== undefined) shown.refreshToken = '[redacted]';
    return `SessionData ${inspect(shown)}`;
  }
}

/** Field-by-field type checks for `fromJSON`; messages name the field and the expected type only. */
class SessionFieldReader {
  constructor(private readonly source: Record<string, unknown>) {}

  requiredString(field: string, options: { nonEmpty?: boolean } = {}): string {
    const value = this.source[field];
    if (typeof value !== 'string' || (options.nonEmpty && value === '')) {
      throw invalid(`\`${field}\``, options.nonEmpty ? 'a non-empty string' : 'a string');
    }
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.source[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalid(`\`${field}\``, 'a string');
    return value;
  }

  optionalNumber(field: string): number | undefined {
    const value = this.source[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`\`${field}\``, 'a finite number');
    return value;
  }

  optionalStringArray(field: string): string[] | undefined {
    const value = this.source[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw invalid(`\`${field}\``, 'an array of strings');
    }
    return value;
  }

  optionalObject(field: string): Record<string, unknown> | undefined {
    const value = this.source[field];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) throw invalid(`\`${field}\``, 'an object');
    return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(what: string, expected: string): CorruptSessionError {
  return new CorruptSessionError(`Invalid session data: ${what} must be ${expected}`);
}
