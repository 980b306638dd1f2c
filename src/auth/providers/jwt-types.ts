import type { KeyObject } from 'node:crypto';

/*
 * JWT-related types of our public API, declared here rather than re-used from jose: jose is
 * ESM-only, and a CommonJS consumer's TypeScript (moduleResolution node16) refuses declaration
 * files that import it.
 */

/** Verified JWT claims (RFC 7519 §4). */
export interface JwtClaims {
  /** Issuer. */
  iss?: string;
  /** Subject: the user id by default. */
  sub?: string;
  /** Audience: whom the token is for. */
  aud?: string | string[];
  /** Expiry, epoch seconds. */
  exp?: number;
  /** Not before, epoch seconds. */
  nbf?: number;
  /** Issued at, epoch seconds. */
  iat?: number;
  /** Token id. */
  jti?: string;
  [claim: string]: unknown;
}

/** A JSON Web Key (RFC 7517) holding a public key. */
export interface PublicJsonWebKey {
  /** Key type (`RSA`, `EC`, `OKP`). */
  kty?: string;
  /** The one algorithm the key may be used with. */
  alg?: string;
  /** Key id. */
  kid?: string;
  /** Intended use (`sig`). */
  use?: string;
  [parameter: string]: unknown;
}

/** Where a `JwtProvider` gets its verification key: exactly one of these. */
export type JwtKeyMaterial =
  | {
      /** The issuer's JWKS URL: keys are fetched, cached, and refetched for an unknown `kid`. */
      jwksUri: string | URL;
      /** Not with `jwksUri`. */
      publicKey?: undefined;
      /** Not with `jwksUri`. */
      secret?: undefined;
    }
  | {
      /** One public key: PEM (SPKI or certificate), a JWK, or a `KeyObject`. */
      publicKey: string | PublicJsonWebKey | KeyObject;
      /** Not with `publicKey`. */
      jwksUri?: undefined;
      /** Not with `publicKey`. */
      secret?: undefined;
    }
  | {
      /** A shared HMAC secret (at least 32 bytes); `createToken()` can then mint tokens. */
      secret: string | Uint8Array;
      /** Not with `secret`. */
      jwksUri?: undefined;
      /** Not with `secret`. */
      publicKey?: undefined;
    };
