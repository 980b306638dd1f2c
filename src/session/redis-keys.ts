/** A session's place in Redis, read back from its key. */
export interface SessionKeyParts {
  userId: string;
  slot: string;
}

/**
 * Key names of the Redis store. Ids are percent-encoded (so `:`, `{` and `}` in an id cannot break
 * the structure), and a user's keys share the hash tag `{userId}`, so the scripts that touch a
 * session and its user index run on one Redis Cluster slot:
 *
 *   <prefix>{<userId>}:session:<provider>   the session record (TTL from expiresAt)
 *   <prefix>{<userId>}:providers            set of the user's providers: the per-user index
 *   <prefix>{<userId>}:refresh-lock:<provider>  random holder id, PX ttl: one refresher at a time
 *   <prefix>token:<hashToken(accessToken)>  {"userId","provider"}: the token index (same TTL)
 */
export class RedisSessionKeys {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) throw new TypeError('keyPrefix must not contain "{" or "}" (they are Redis Cluster hash tags)');
  }

  session(userId: string, slot: string): string {
    return `${this.userTag(userId)}:session:${encodeURIComponent(slot)}`;
  }

  /** The refresh lock of a session (see `lockRefresh`); not a session key, so no pattern matches it as one. */
  refreshLock(userId: string, slot: string): string {
    return `${this.userTag(userId)}:refresh-lock:${encodeURIComponent(slot)}`;
  }

  userIndex(userId: string): string {
    return `${this.userTag(userId)}:providers`;
  }

  token(tokenHash: string): string {
    return `${this.prefix}token:${tokenHash}`;
  }

  /** Where an unreadable session record is moved; deliberately not matched by `sessionPattern`'s parser. */
  quarantine(sessionKey: string): string {
    return `${sessionKey}:corrupt:${Date.now()}`;
  }

  /** SCAN patterns (glob characters in the prefix escaped). */
  get sessionPattern(): string {
    return `${escapeGlob(this.prefix)}{*}:session:*`;
  }

  get userIndexPattern(): string {
    return `${escapeGlob(this.prefix)}{*}:providers`;
  }

  /** Every key tagged with a user: sessions, user indexes, quarantined records. */
  get userKeysPattern(): string {
    return `${escapeGlob(this.prefix)}{*`;
  }

  get tokenPattern(): string {
    return `${escapeGlob(this.prefix)}token:*`;
  }

  parseSession(key: string): SessionKeyParts | null {
    const [userId, slot] = this.decodeParts(key, /^\{([^{}:]+)\}:session:([^{}:]*)$/) ?? [];
    return userId === undefined || slot === undefined ? null : { userId, slot };
  }

  parseUserIndex(key: string): string | null {
    return this.decodeParts(key, /^\{([^{}:]+)\}:providers$/)?.[0] ?? null;
  }

  /** The percent-decoded groups of `pattern` in the key after the prefix; null when it is not ours. */
  private decodeParts(key: string, pattern: RegExp): string[] | null {
    const match = key.startsWith(this.prefix) ? pattern.exec(key.slice(this.prefix.length)) : null;
    try {
      return match ? match.slice(1).map((part) => decodeURIComponent(part)) : null;
    } catch {
      return null; // malformed percent-encoding: not a key we wrote
    }
  }

  private userTag(userId: string): string {
    return `${this.prefix}{${encodeURIComponent(userId)}}`;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
