import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { calculateJwkThumbprint } from '../providers/jose-entries';
import { StartupError } from '../../startup-error';

/** Algorithms offered, by key type. HMAC is not: the public key is published for other verifiers. */
const ALGORITHMS_BY_CURVE: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const RSA_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);

/** The key access tokens are signed with, and its public half as published at `jwks_uri`. */
export interface SigningKey {
  alg: string;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK with `kid`, `alg` and `use: 'sig'`. */
  publicJwk: JWK;
  /** True when no key was configured and one was made at start. */
  generated: boolean;
}

/** A key that parsed, before its `kid` (a thumbprint, computed asynchronously) is known. */
export interface ParsedSigningKey {
  alg: string;
  privateKey: KeyObject;
  /** The configured JWK's own `kid`, if any. */
  kid?: string;
  generated: boolean;
}

/**
 * Reads the configured private key (JWK as JSON string or object, PEM, or KeyObject) and settles
 * its algorithm, or generates one for `signingAlg` [ES256]. Every mistake is a `StartupError`
 * naming `signingKey` or `signingAlg`, and never quotes the key.
 */
export function parseSigningKey(key: string | JWK | KeyObject | undefined, signingAlg: string | undefined): ParsedSigningKey {
  if (signingAlg !== undefined && signingAlg.startsWith('HS')) {
    fail('signingAlg', 'cannot be HMAC: the public key is published at jwks_uri so other resource servers can verify');
  }
  if (key === undefined) return { ...generate(signingAlg ?? 'ES256'), generated: true };
  const { privateKey, jwkAlg, kid } = readPrivateKey(key);
  const alg = signingAlg ?? jwkAlg ?? defaultAlgorithm(privateKey);
  if (jwkAlg !== undefined && signingAlg !== undefined && jwkAlg !== signingAlg) {
    fail('signingAlg', `is ${signingAlg} but the key is for ${jwkAlg}`);
  }
  if (!fits(privateKey, alg)) fail('signingAlg', `${alg} does not fit a ${describeKey(privateKey)} key`);
  return { alg, privateKey, kid, generated: false };
}

/** The full signing key, with its `kid` (the JWK's own, else its RFC 7638 thumbprint). */
export async function completeSigningKey(parsed: ParsedSigningKey): Promise<SigningKey> {
  const publicKey = createPublicKey(parsed.privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = parsed.kid ?? (await calculateJwkThumbprint()(jwk, 'sha256'));
  return {
    alg: parsed.alg,
    kid,
    privateKey: parsed.privateKey,
    publicKey,
    publicJwk: { ...jwk, kid, alg: parsed.alg, use: 'sig' },
    generated: parsed.generated,
  };
}

function readPrivateKey(key: string | JWK | KeyObject): { privateKey: KeyObject; jwkAlg?: string; kid?: string } {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') fail('signingKey', `must be a private key (got a ${key.type} key)`);
    return { privateKey: key };
  }
  let jwk: JWK | undefined;
  if (typeof key === 'string') {
    const text = key.trim();
    if (text.startsWith('{')) {
      try {
        jwk = JSON.parse(text) as JWK;
      } catch {
        fail('signingKey', 'looks like a JWK but is not valid JSON');
      }
    } else {
      if (!text.includes('PRIVATE KEY')) fail('signingKey', 'must be a private key (PEM "… PRIVATE KEY", a private JWK, or a KeyObject)');
      try {
        return { privateKey: createPrivateKey(text) };
      } catch {
        return fail('signingKey', 'is not a readable PEM private key');
      }
    }
  } else if (typeof key === 'object' && key !== null) {
    jwk = key;
  }
  if (!jwk || typeof jwk.kty !== 'string') return fail('signingKey', 'must be a private JWK, a PEM private key or a KeyObject');
  if (jwk.kty === 'oct') fail('signingKey', 'cannot be a symmetric (oct) key: HMAC is not offered');
  if (typeof jwk.d !== 'string') fail('signingKey', 'must be a private JWK (it has no "d")');
  try {
    const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return { privateKey, jwkAlg: typeof jwk.alg === 'string' ? jwk.alg : undefined, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined };
  } catch {
    return fail('signingKey', 'is not a readable private JWK');
  }
}

function generate(alg: string): { alg: string; privateKey: KeyObject } {
  const curve = Object.entries(ALGORITHMS_BY_CURVE).find(([, a]) => a === alg)?.[0];
  if (curve) return { alg, privateKey: generateKeyPairSync('ec', { namedCurve: curve }).privateKey };
  if (RSA_ALGORITHMS.has(alg)) return { alg, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  if (alg === 'EdDSA') return { alg, privateKey: generateKeyPairSync('ed25519').privateKey };
  return fail('signingAlg', `must be one of ES256, ES384, ES512, ${[...RSA_ALGORITHMS].join(', ')}, EdDSA`);
}

function defaultAlgorithm(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'ec') return ALGORITHMS_BY_CURVE[curveOf(key)] ?? fail('signingKey', `uses an unsupported curve ${curveOf(key)}`);
  if (type === 'rsa' || type === 'rsa-pss') return type === 'rsa' ? 'RS256' : 'PS256';
  if (type === 'ed25519') return 'EdDSA';
  return fail('signingKey', `is a ${type ?? 'unknown'} key; use EC (P-256/384/521), RSA or Ed25519`);
}

function fits(key: KeyObject, alg: string): boolean {
  const type = key.asymmetricKeyType;
  if (type === 'ec') return ALGORITHMS_BY_CURVE[curveOf(key)] === alg;
  if (type === 'rsa') return RSA_ALGORITHMS.has(alg) && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (type === 'rsa-pss') return alg.startsWith('PS') && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (type === 'ed25519') return alg === 'EdDSA';
  return false;
}

function curveOf(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  return { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[curve] ?? curve;
}

function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec') return `EC ${curveOf(key)}`;
  if (type.startsWith('rsa')) return `${type.toUpperCase()} ${key.asymmetricKeyDetails?.modulusLength ?? '?'}-bit`;
  return type;
}

function fail(option: 'signingKey' | 'signingAlg', problem: string): never {
  throw new StartupError(`enableAuthorizationServer(): options.${option} ${problem}`);
}
