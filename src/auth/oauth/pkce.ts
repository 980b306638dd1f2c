import { nodeCrypto } from '../../node-crypto';

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/**
 * A fresh PKCE pair: 32 random bytes from the CSPRNG, base64url-encoded (43 characters, 256 bits),
 * and `BASE64URL(SHA256(verifier))` as the challenge.
 */
export function createPkcePair(): PkcePair {
  const verifier = nodeCrypto().randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallengeFor(verifier), method: 'S256' };
}

export function pkceChallengeFor(verifier: string): string {
  return nodeCrypto().createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function isValidPkceVerifier(verifier: string): boolean {
  return VERIFIER_PATTERN.test(verifier);
}

/** An unguessable `state` value (256 bits from the CSPRNG). */
export function createOAuthState(): string {
  return nodeCrypto().randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two verifiers (hashed first, so lengths never leak either). */
export function verifiersMatch(a: string, b: string): boolean {
  const { createHash, timingSafeEqual } = nodeCrypto();
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
