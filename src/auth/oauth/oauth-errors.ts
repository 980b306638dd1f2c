import { AuthenticationError } from '../errors';

/** An OAuth `error` code is short and plain; anything else is not echoed (it could carry input). */
const ERROR_CODE_PATTERN = /^[A-Za-z0-9_.\-]{1,64}$/;

/** How a provider failure reaches the client: a bad token, or an outage (HTTP 503). */
export type ProviderFailureReason = 'invalid_token' | 'provider_unavailable';

/** Options of `new OAuthProviderError()`. */
export interface OAuthProviderErrorOptions {
  /** Provider `name` (`'github'`, `'google'`, …). */
  provider: string;
  /** What was called, for the message: `'token endpoint'`, `'GET /user'`, … */
  operation: string;
  /** `data.error` of the refusal. */
  reason: ProviderFailureReason;
  /** HTTP status the provider answered with, when it answered. */
  status?: number;
  /** The provider's OAuth `error` code (`bad_verification_code`, `invalid_grant`, …). */
  providerError?: string;
  /** Why there was no answer: `'timed out after 10000 ms'`, `'could not be reached'`. */
  detail?: string;
}

/**
 * A provider refused a request or could not be asked. A -31001 error whose message names the
 * provider, the operation, the HTTP status and the provider's error code, and never the token or
 * the response body.
 */
export class OAuthProviderError extends AuthenticationError {
  /** The provider's name. */
  readonly provider: string;
  /** The HTTP status the provider answered with, when it answered. */
  readonly status?: number;
  /** The provider's OAuth `error` code, when it is a plain one. */
  readonly providerError?: string;

  constructor(options: OAuthProviderErrorOptions) {
    const providerError =
      options.providerError !== undefined && ERROR_CODE_PATTERN.test(options.providerError)
        ? options.providerError
        : undefined;
    super(describeFailure(options, providerError), {
      reason: options.reason,
      providers: [options.provider],
    });
    this.name = 'OAuthProviderError';
    this.provider = options.provider;
    this.status = options.status;
    this.providerError = providerError;
  }

  /** The provider answered 2xx with something that is not what its API documents. */
  static unexpectedBody(provider: string, operation: string): OAuthProviderError {
    return new OAuthProviderError({
      provider,
      operation,
      reason: 'provider_unavailable',
      detail: 'answered with an unexpected body',
    });
  }
}

function describeFailure(options: OAuthProviderErrorOptions, providerError: string | undefined): string {
  const parts = [`${options.provider} ${options.operation}`];
  if (options.status !== undefined) parts.push(`answered HTTP ${options.status}`);
  if (providerError) parts.push(`with error "${providerError}"`);
  if (options.detail) parts.push(options.detail);
  if (options.status === undefined && !options.detail) parts.push('failed');
  return parts.join(' ');
}

/** The callback's `state` is unknown, expired or already used, or its verifier does not match. */
export class OAuthStateError extends AuthenticationError {
  constructor(message = 'OAuth state is unknown, expired or already used') {
    super(message, { reason: 'invalid_token' });
    this.name = 'OAuthStateError';
  }
}

/** A redirect or return URL that is not on the configured allow-list (no open redirects). */
export class RedirectNotAllowedError extends Error {
  constructor(kind: 'redirect_uri' | 'returnTo') {
    super(`This ${kind} is not on the allow-list`);
    this.name = 'RedirectNotAllowedError';
  }
}

/** The authorization server sent the user back with `?error=…` (e.g. `access_denied`). */
export class OAuthCallbackError extends AuthenticationError {
  /** The `error` parameter, when it is a plain OAuth error code. */
  readonly providerError?: string;

  constructor(providerError: string | undefined) {
    const code = providerError !== undefined && ERROR_CODE_PATTERN.test(providerError) ? providerError : undefined;
    super(code ? `Authorization was not granted (error "${code}")` : 'Authorization was not granted', {
      reason: 'authentication_required',
    });
    this.name = 'OAuthCallbackError';
    this.providerError = code;
  }
}
