import { nodeCrypto } from '../node-crypto';
import { join } from 'node:path';

/** Where a token index entry points: the hashed user directory and hashed slot of a session file. */
export interface TokenPointer {
  user: string;
  slot: string;
}

const HEX_256 = /^[0-9a-f]{64}$/;
const SESSION_FILE = /^[0-9a-f]{64}\.json$/;

/**
 * The file store's layout. Every name below the root is a SHA-256 hex digest, so no id can
 * escape the directory or collide with another (hex also survives case-insensitive filesystems):
 *
 *   <root>/sessions/<sha256(userId)>/<sha256(provider)>.json   one session (per-user directory)
 *   <root>/tokens/<hashToken(accessToken) as hex>.json         {"user","slot"}: the token index
 */
export class SessionFileLayout {
  readonly sessionsDir: string;
  readonly tokensDir: string;

  constructor(readonly root: string) {
    this.sessionsDir = join(root, 'sessions');
    this.tokensDir = join(root, 'tokens');
  }

  userDir(userId: string): string {
    return this.userDirOf(sha256Hex(userId));
  }

  userDirOf(userHash: string): string {
    return join(this.sessionsDir, userHash);
  }

  sessionFile(userId: string, slot: string): string {
    return this.fileOf(this.pointerTo(userId, slot));
  }

  fileOf(pointer: TokenPointer): string {
    return join(this.userDirOf(pointer.user), `${pointer.slot}.json`);
  }

  pointerTo(userId: string, slot: string): TokenPointer {
    return { user: sha256Hex(userId), slot: sha256Hex(slot) };
  }

  tokenFile(tokenHash: string): string {
    return join(this.tokensDir, `${Buffer.from(tokenHash, 'base64url').toString('hex')}.json`);
  }

  /** A pointer read back from an index file; null unless both parts are exactly hex digests. */
  parsePointer(text: string | null): TokenPointer | null {
    if (text === null) return null;
    try {
      const value = JSON.parse(text) as Partial<TokenPointer> | null;
      const user = value?.user;
      const slot = value?.slot;
      return typeof user === 'string' && typeof slot === 'string' && HEX_256.test(user) && HEX_256.test(slot) ? { user, slot } : null;
    } catch {
      return null;
    }
  }

  static isSessionFileName(name: string): boolean {
    return SESSION_FILE.test(name);
  }

  static isUserDirName(name: string): boolean {
    return HEX_256.test(name);
  }

  static isTokenFileName(name: string): boolean {
    return SESSION_FILE.test(name);
  }
}

function sha256Hex(value: string): string {
  return nodeCrypto().createHash('sha256').update(value, 'utf8').digest('hex');
}
