import { hashToken } from '../auth/token-hash';
import { type EncryptionKey, type SealedData, SessionCipher } from './encryption';
import { CorruptSessionError, SessionDecryptionError } from './errors';
import { SessionData, type SessionJSON } from './session-data';

/**
 * A session as the file and Redis stores keep it. The header (identity, expiry, token hash) is in
 * the clear so listing, cleanup and TTLs work without the key; it holds no token. The session
 * itself is `session` in the clear, or `sealed` (AES-256-GCM) when the store has an encryption
 * key, with the header as associated data so neither can be swapped or edited alone.
 */
export interface SessionRecord {
  format: 1;
  userId: string;
  provider?: string;
  expiresAt?: number;
  /** `hashToken(accessToken)`: the token index key, and how a stale index entry is recognised. */
  accessTokenHash: string;
  session?: SessionJSON;
  sealed?: SealedData;
}

/**
 * Encodes sessions to record text and back, encrypting when given a key.
 *
 * @example
 * const codec = new SessionRecordCodec(encryptionKey);
 * const text = codec.encode(session);          // JSON, tokens sealed
 * const again = codec.decode(text);            // SessionData
 */
export class SessionRecordCodec {
  private readonly cipher?: SessionCipher;

  constructor(encryptionKey?: EncryptionKey) {
    this.cipher = encryptionKey === undefined ? undefined : new SessionCipher(encryptionKey);
  }

  encode(session: SessionData): string {
    const header: SessionRecord = {
      format: 1,
      userId: session.userId,
      ...(session.provider === undefined ? {} : { provider: session.provider }),
      ...(session.expiresAt === undefined ? {} : { expiresAt: session.expiresAt }),
      accessTokenHash: hashToken(session.accessToken),
    };
    const body = this.cipher
      ? { sealed: this.cipher.seal(JSON.stringify(session.toJSON()), associatedData(header)) }
      : { session: session.toJSON() };
    return JSON.stringify({ ...header, ...body });
  }

  /** Reads the header and checks the shape, without decrypting. @throws CorruptSessionError */
  parse(text: string): SessionRecord {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse quotes the input in its message, and the input may hold a token.
      throw new CorruptSessionError('Session record is not valid JSON');
    }
    return checkRecordShape(value);
  }

  /**
   * The session a record holds, checked against its header.
   *
   * @throws SessionDecryptionError when the record and the store disagree about encryption or key.
   * @throws CorruptSessionError when the contents are invalid or altered.
   */
  open(record: SessionRecord): SessionData {
    const session = SessionData.fromJSON(this.payload(record));
    const consistent =
      session.userId === record.userId &&
      session.provider === record.provider &&
      session.expiresAt === record.expiresAt &&
      hashToken(session.accessToken) === record.accessTokenHash;
    if (!consistent) throw new CorruptSessionError('Session record header does not match its contents');
    return session;
  }

  decode(text: string): SessionData {
    return this.open(this.parse(text));
  }

  private payload(record: SessionRecord): unknown {
    if (record.sealed) {
      if (!this.cipher) {
        throw new SessionDecryptionError('Session data is encrypted; configure the store with its encryptionKey');
      }
      const plaintext = this.cipher.open(record.sealed, associatedData(record));
      try {
        return JSON.parse(plaintext);
      } catch {
        throw new CorruptSessionError('Decrypted session data is not valid JSON');
      }
    }
    if (this.cipher) {
      // Anyone able to write the store could plant such a record; with a key, only sealed ones count.
      throw new SessionDecryptionError('Session data is not encrypted but the store has an encryptionKey');
    }
    return record.session;
  }
}

function associatedData(record: SessionRecord): string {
  return JSON.stringify([record.format, record.userId, record.provider ?? null, record.expiresAt ?? null, record.accessTokenHash]);
}

function checkRecordShape(value: unknown): SessionRecord {
  const record = value as Partial<SessionRecord> | null;
  const sealed = record?.sealed as Partial<SealedData> | undefined;
  const valid =
    typeof record === 'object' &&
    record !== null &&
    record.format === 1 &&
    typeof record.userId === 'string' &&
    record.userId !== '' &&
    (record.provider === undefined || typeof record.provider === 'string') &&
    (record.expiresAt === undefined || Number.isFinite(record.expiresAt)) &&
    typeof record.accessTokenHash === 'string' &&
    (record.session === undefined) !== (sealed === undefined) &&
    (record.session === undefined || (typeof record.session === 'object' && record.session !== null)) &&
    (sealed === undefined ||
      (sealed.alg === 'A256GCM' && [sealed.keyId, sealed.iv, sealed.tag, sealed.data].every((part) => typeof part === 'string')));
  if (!valid) throw new CorruptSessionError('Session record has an unexpected shape');
  return record as SessionRecord;
}
