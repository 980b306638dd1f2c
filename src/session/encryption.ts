import { nodeCrypto } from '../node-crypto';
import { CorruptSessionError, SessionDecryptionError } from './errors';

/** A 256-bit key: 32 bytes as a Buffer/Uint8Array, 64 hex characters, or base64 / base64url. */
export type EncryptionKey = Buffer | Uint8Array | string;

/** AES-256-GCM output, every part base64url. `keyId` names the key without revealing it. */
export interface SealedData {
  alg: 'A256GCM';
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/;

/**
 * Turns the accepted spellings into 32 key bytes. A passphrase is refused: a key must be random.
 *
 * @throws TypeError (never quoting the key) when it is not 32 bytes in one of those spellings.
 */
export function parseEncryptionKey(key: EncryptionKey): Buffer {
  let bytes: Buffer | undefined;
  if (typeof key === 'string') {
    if (HEX_KEY.test(key)) bytes = Buffer.from(key, 'hex');
    else if (BASE64_KEY.test(key)) bytes = Buffer.from(key, key.includes('-') || key.includes('_') ? 'base64url' : 'base64');
  } else if (key instanceof Uint8Array) {
    bytes = Buffer.from(key);
  }
  if (bytes?.length !== KEY_BYTES) {
    throw new TypeError('encryptionKey must be 32 bytes: a Buffer, 64 hex characters, or base64');
  }
  return bytes;
}

/**
 * AES-256-GCM with a random 96-bit IV per seal and the tag checked on open. The associated data
 * binds a ciphertext to where it belongs (e.g. a session's identity), so it cannot be moved.
 *
 * @example
 * const cipher = new SessionCipher(process.env.SESSION_KEY!);   // 64 hex chars
 * const sealed = cipher.seal(JSON.stringify(payload), 'user-123');
 * const payload = JSON.parse(cipher.open(sealed, 'user-123'));
 */
export class SessionCipher {
  /** A fingerprint of the key (HMAC, not the key), so a wrong key is told apart from tampering. */
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: EncryptionKey) {
    this.key = parseEncryptionKey(key);
    this.keyId = nodeCrypto().createHmac('sha256', this.key).update('nextmcp session key id').digest('base64url').slice(0, 16);
  }

  seal(plaintext: string, associatedData: string): SealedData {
    const iv = nodeCrypto().randomBytes(IV_BYTES);
    const cipher = nodeCrypto().createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      alg: 'A256GCM',
      keyId: this.keyId,
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      data: data.toString('base64url'),
    };
  }

  /**
   * @throws SessionDecryptionError when it was sealed with another key.
   * @throws CorruptSessionError when the tag does not verify (altered, or moved to another identity).
   */
  open(sealed: SealedData, associatedData: string): string {
    if (sealed.keyId !== this.keyId) {
      throw new SessionDecryptionError('Session data was encrypted with a different key than the configured encryptionKey');
    }
    try {
      // A fixed tag length: GCM would otherwise accept a truncated (weaker) tag.
      const decipher = nodeCrypto().createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new CorruptSessionError('Encrypted session data failed its integrity check');
    }
  }
}
