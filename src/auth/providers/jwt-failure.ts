import { joseErrors } from './jose-entries';
import type { AuthResult } from '../provider';

type FailureReason = NonNullable<AuthResult['reason']>;

/** A token refused by one of our own checks (size, headers, `iat`, subject), before or after jose. */
export class JwtRejectedError extends Error {
  constructor(
    message: string,
    readonly reason: FailureReason = 'invalid_token',
  ) {
    super(message);
    this.name = 'JwtRejectedError';
  }
}

/** The issuer's key set could not be fetched (refused, timed out, not 200, not a JWKS). */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The token issuer’s key set could not be fetched', { cause });
    this.name = 'JwksUnavailableError';
  }
}

/**
 * Turns whatever verification threw into a failed `AuthResult`. Messages are fixed strings (at
 * most a claim name), never jose's text or anything taken from the token.
 */
export function jwtFailure(error: unknown): AuthResult {
  const [reason, message] = classify(error);
  return { success: false, reason, error: message };
}

function classify(error: unknown): [FailureReason, string] {
  if (error instanceof JwtRejectedError) return [error.reason, error.message];
  if (error instanceof JwksUnavailableError) return ['provider_unavailable', error.message];
  const errors = joseErrors();
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? ['token_expired', 'Token is older than the allowed maximum age']
      : ['token_expired', 'Token has expired'];
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === 'missing'
      ? ['invalid_token', `Token has no "${error.claim}" claim`]
      : ['invalid_token', `Token "${error.claim}" claim is not accepted`];
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return ['invalid_token', 'Token algorithm is not allowed'];
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['invalid_token', 'Token signature is invalid'];
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return ['invalid_token', 'No trusted key matches the token'];
  }
  return ['invalid_token', 'Token is malformed or could not be verified'];
}
