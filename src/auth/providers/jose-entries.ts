import type * as Jose from 'jose';

/*
 * jose in parts, each required on first use. Its root entry loads all of jose (JWE, key
 * generation: some fifty modules); a JWT provider needs a few small subpath entries, and a server
 * without JWT needs none. Typed from the root: node10 resolution does not read jose's `exports`.
 */

function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const joseErrors = onFirstUse(() => require('jose/errors') as typeof Jose.errors);
export const jwtVerify = onFirstUse(() => (require('jose/jwt/verify') as typeof Jose).jwtVerify);
export const signJwt = onFirstUse(() => (require('jose/jwt/sign') as typeof Jose).SignJWT);
export const createRemoteJwkSet = onFirstUse(() => (require('jose/jwks/remote') as typeof Jose).createRemoteJWKSet);
export const calculateJwkThumbprint = onFirstUse(() => (require('jose/jwk/thumbprint') as typeof Jose).calculateJwkThumbprint);
export const decodeJwt = onFirstUse(() => (require('jose/jwt/decode') as typeof Jose).decodeJwt);
export const decodeProtectedHeader = onFirstUse(() => (require('jose/decode/protected_header') as typeof Jose).decodeProtectedHeader);
/* eslint-enable @typescript-eslint/no-require-imports */
