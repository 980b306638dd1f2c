/**
 * `WWW-Authenticate: Bearer …` values (RFC 6750 §3, RFC 9728 §5.1), built in one place.
 * Parameter values are RFC 7235 quoted-strings: backslash and quote escaped, control characters
 * replaced, so nothing in a value can break out of the header.
 */
export interface BearerChallenge {
  /** URL of the RFC 9728 protected-resource metadata. */
  resourceMetadata?: string;
  /** Space-separated scopes the request needs. */
  scope?: readonly string[];
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  errorDescription?: string;
}

export function quoteHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/["\\]/g, '\\$&')}"`;
}

export function bearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.error) params.push(`error=${quoteHeaderValue(challenge.error)}`);
  if (challenge.errorDescription) params.push(`error_description=${quoteHeaderValue(challenge.errorDescription)}`);
  if (challenge.scope && challenge.scope.length > 0) params.push(`scope=${quoteHeaderValue(challenge.scope.join(' '))}`);
  if (challenge.resourceMetadata) params.push(`resource_metadata=${quoteHeaderValue(challenge.resourceMetadata)}`);
  return params.length > 0 ? `Bearer ${params.join(', ')}` : 'Bearer';
}
