import { hkdfSync } from 'node:crypto';
import { SessionCipher, type SealedData } from '../../session/encryption';
import type { TokenResponseBody } from './grants';

const SALT = 'nextmcp authorization server';
const INFO = 'refresh token successor';

/**
 * The successor response of a rotated refresh token, encrypted (AES-256-GCM) under a key derived
 * (HKDF-SHA-256) from the old token, which the store never holds: only someone presenting that
 * token again can read it.
 */
export function sealSuccessor(oldRefreshToken: string, body: TokenResponseBody): string {
  return JSON.stringify(cipherFor(oldRefreshToken).seal(JSON.stringify(body), INFO));
}

/** The response sealed by `sealSuccessor`; throws when it was not sealed for this token. */
export function openSuccessor(oldRefreshToken: string, sealed: string): TokenResponseBody {
  return JSON.parse(cipherFor(oldRefreshToken).open(JSON.parse(sealed) as SealedData, INFO)) as TokenResponseBody;
}

function cipherFor(token: string): SessionCipher {
  return new SessionCipher(Buffer.from(hkdfSync('sha256', token, SALT, INFO, 32)));
}
