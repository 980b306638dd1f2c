import type { KeyObject } from 'node:crypto';

/*
 * JWT-related types of our public API, declared here rather than re-used from jose: jose is
 * ESM-only, and a CommonJS consumer's TypeScript (moduleResolution node16) refuses declaration
 * files that import it.
 */

/** Verified JWT claims (RFC 7519 §4). */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** A JSON Web Key (RFC 7517) holding a public key. */
export interface PublicJsonWebKey {
  kty?: string;
  alg?: string;
  kid?: string;
  use?: string;
  [parameter: string]: unknown;
}

/** Where a `JwtProvider` gets its verification key: exactly one of these. */
export type JwtKeyMaterial =
  | { jwksUri: string | URL; publicKey?: undefined; secret?: undefined }
  | { publicKey: string | PublicJsonWebKey | KeyObject; jwksUri?: undefined; secret?: undefined }
  | { secret: string | Uint8Array; jwksUri?: undefined; publicKey?: undefined };
