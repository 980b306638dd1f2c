import type { JsonWebKey, KeyObject } from 'node:crypto';
import { nodeCrypto } from '../../node-crypto';
import type { JWK, JWTVerifyGetKey } from 'jose';
import { createRemoteJwkSet, joseErrors } from './jose-entries';
import type { JwtKeyMaterial, PublicJsonWebKey } from './jwt-types';
import { JwksUnavailableError } from './jwt-failure';

export type { JwtKeyMaterial };

export interface JwksFetchOptions {
  /** Abort a JWKS fetch after this many milliseconds. */
  timeoutMs: number;
  /** After a fetch, an unknown `kid` triggers no new fetch for this many milliseconds. */
  cooldownMs?: number;
}

/** What `jwtVerify` is called with: a key (or JWKS resolver) and the algorithms allowed with it. */
export interface VerificationKey {
  kind: 'jwks' | 'public-key' | 'secret';
  key: KeyObject | Uint8Array | JWTVerifyGetKey;
  algorithms: string[];
}

const HMAC = ['HS256', 'HS384', 'HS512'];
const RSA_PKCS1 = ['RS256', 'RS384', 'RS512'];
const RSA_PSS = ['PS256', 'PS384', 'PS512'];
const ECDSA = ['ES256', 'ES384', 'ES512'];
const EDDSA = ['EdDSA', 'Ed25519'];
const ASYMMETRIC = [...RSA_PKCS1, ...RSA_PSS, ...ECDSA, ...EDDSA];
const ECDSA_BY_CURVE: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const HMAC_MIN_SECRET_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const MIN_RSA_BITS = 2048;

/**
 * Resolves the configured key material into a verification key and its algorithm allow-list.
 * Misconfiguration (`none`, an HMAC algorithm with a public key, a short secret) throws here, at
 * construction, rather than surfacing as refused tokens later.
 */
export function resolveVerificationKey(
  material: JwtKeyMaterial,
  configured: readonly string[] | undefined,
  fetchOptions: JwksFetchOptions,
): VerificationKey {
  const given = [material.jwksUri, material.publicKey, material.secret].filter((k) => k !== undefined);
  if (given.length !== 1) {
    throw new TypeError('JwtProvider needs exactly one of `jwksUri`, `publicKey` or `secret`');
  }
  if (configured?.some((alg) => alg.toLowerCase() === 'none')) {
    throw new TypeError('JwtProvider never accepts the "none" algorithm');
  }
  if (material.jwksUri !== undefined) {
    const algorithms = allowList(configured, ASYMMETRIC, ASYMMETRIC, 'a JWKS (public keys)');
    return { kind: 'jwks', key: remoteKeySet(material.jwksUri, fetchOptions), algorithms };
  }
  if (material.secret !== undefined) {
    const secret = secretBytes(material.secret);
    const algorithms = allowList(configured, HMAC, ['HS256'], 'a shared secret');
    for (const alg of algorithms) {
      if (secret.byteLength < HMAC_MIN_SECRET_BYTES[alg]) {
        throw new TypeError(`A ${alg} secret must be at least ${HMAC_MIN_SECRET_BYTES[alg]} bytes long`);
      }
    }
    return { kind: 'secret', key: secret, algorithms };
  }
  const { key, boundAlg } = publicKeyObject(material.publicKey);
  const family = boundAlg === undefined ? algorithmsForKey(key) : [boundAlg];
  const defaults = key.asymmetricKeyType === 'rsa' && boundAlg === undefined ? RSA_PKCS1 : family;
  const algorithms = allowList(configured, family, defaults, `this ${key.asymmetricKeyType} public key`);
  return { kind: 'public-key', key, algorithms };
}

function allowList(
  configured: readonly string[] | undefined,
  usable: string[],
  defaults: string[],
  what: string,
): string[] {
  if (configured === undefined) return [...defaults];
  if (configured.length === 0) throw new TypeError('`algorithms` must list at least one algorithm');
  for (const alg of configured) {
    if (usable.includes(alg)) continue;
    if (HMAC.includes(alg)) {
      // Verifying HMAC with a public key lets anyone who has that public key forge tokens.
      throw new TypeError(`${alg} (HMAC) cannot be used with ${what}: use \`secret\` for HMAC tokens`);
    }
    throw new TypeError(`Algorithm ${alg} cannot be used with ${what} (usable: ${usable.join(', ')})`);
  }
  return [...configured];
}

function secretBytes(secret: string | Uint8Array): Uint8Array {
  if (typeof secret === 'string' && secret.includes('-----BEGIN')) {
    throw new TypeError('`secret` looks like a PEM key; pass public keys as `publicKey`');
  }
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
}

function publicKeyObject(input: string | PublicJsonWebKey | KeyObject): { key: KeyObject; boundAlg?: string } {
  let key: KeyObject;
  let boundAlg: string | undefined;
  try {
    if (typeof input === 'string') {
      key = nodeCrypto().createPublicKey(input);
    } else if (isKeyObject(input)) {
      if (input.type === 'secret') throw new TypeError('a secret key');
      key = input.type === 'private' ? nodeCrypto().createPublicKey(input) : input;
    } else {
      if (input.kty === 'oct') throw new TypeError('a symmetric JWK');
      if (input.use !== undefined && input.use !== 'sig') throw new TypeError('a JWK not meant for signatures');
      key = nodeCrypto().createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
      boundAlg = input.alg;
    }
  } catch (cause) {
    throw new TypeError('`publicKey` must be a PEM public key or certificate, a public JWK or a KeyObject', { cause });
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    throw new TypeError(`RSA keys must be at least ${MIN_RSA_BITS} bits`);
  }
  if (boundAlg !== undefined && !algorithmsForKey(key).includes(boundAlg)) {
    throw new TypeError(`The JWK's "alg" ${boundAlg} does not fit its key type`);
  }
  return { key, boundAlg };
}

/** Every JWS algorithm a key of this type can verify. */
function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return [...RSA_PKCS1, ...RSA_PSS];
    case 'rsa-pss':
      return [...RSA_PSS];
    case 'ec': {
      const alg = ECDSA_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (alg) return [alg];
      break;
    }
    case 'ed25519':
      return [...EDDSA];
  }
  throw new TypeError(`Unsupported public key type for JWT verification: ${key.asymmetricKeyType}`);
}

function isKeyObject(value: unknown): value is KeyObject {
  return (value as { [Symbol.toStringTag]?: unknown })?.[Symbol.toStringTag] === 'KeyObject';
}

/**
 * jose's remote key set (cached, refetched on an unknown `kid` after the cooldown; `jku`, `x5u`
 * and embedded `jwk` headers are never consulted). Fetch failures are re-thrown as
 * `JwksUnavailableError` so they map to `provider_unavailable`, not to a bad token.
 */
function remoteKeySet(uri: string | URL, options: JwksFetchOptions): JWTVerifyGetKey {
  const url = new URL(uri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('`jwksUri` must be an http(s) URL');
  }
  const keySet = createRemoteJwkSet()(url, {
    timeoutDuration: options.timeoutMs,
    ...(options.cooldownMs === undefined ? {} : { cooldownDuration: options.cooldownMs }),
  });
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (isKeySelectionError(error)) throw error;
      throw new JwksUnavailableError(error);
    }
  };
}

/** Errors about which key fits the token, as opposed to errors fetching the set. */
function isKeySelectionError(error: unknown): boolean {
  const errors = joseErrors();
  return (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  );
}
