/** OAuth error codes this server answers with (RFC 6749, 7009, 7591, 8707). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'temporarily_unavailable'
  | 'server_error';

const STATUS: Partial<Record<OAuthErrorCode, number>> = { invalid_client: 401, temporarily_unavailable: 503, server_error: 500 };

/**
 * An OAuth error answer: `{ error, error_description }` with its HTTP status. Descriptions are our
 * own words: never a token, code, secret or anything the client sent.
 */
export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
    this.status = STATUS[code] ?? 400;
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** The upstream could not be asked (down, slow): a 503 the client may retry. */
export function upstreamUnavailable(upstream: string): OAuthError {
  return new OAuthError('temporarily_unavailable', `${upstream} could not be reached; try again shortly`);
}
