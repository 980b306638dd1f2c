import type { TokenResponse } from '../provider';
import { OAuthProviderError } from './oauth-errors';
import { isRecord } from './provider-request';

/** OAuth error codes that mean "try again later" rather than "this grant is bad" (RFC 6749 §4.1.2.1). */
const UNAVAILABLE_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

/**
 * Turns a token endpoint answer into a `TokenResponse` in wire spelling. Accepts a parsed JSON
 * object or a form-encoded body (older GitHub-style endpoints). An `error` member is a refusal even
 * with HTTP 200, as GitHub sends `{ error: 'bad_verification_code' }`.
 */
export function parseTokenResponse(
  payload: unknown,
  context: { provider: string; status?: number },
): TokenResponse {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? decodeBody(payload.toString()) : payload;
  const fail = (reason: 'invalid_token' | 'provider_unavailable', providerError?: string, detail?: string) =>
    new OAuthProviderError({
      provider: context.provider,
      operation: 'token endpoint',
      reason,
      status: context.status,
      providerError,
      detail,
    });

  const status = context.status ?? 200;
  const errorCode = isRecord(body) && typeof body.error === 'string' ? body.error : undefined;
  if (status >= 500 || status === 429 || (errorCode !== undefined && UNAVAILABLE_ERRORS.has(errorCode))) {
    throw fail('provider_unavailable', errorCode);
  }
  // 4xx, or an `error` member whatever the status: the grant was refused.
  if (status >= 400 || errorCode !== undefined) throw fail('invalid_token', errorCode);
  if (!isRecord(body)) throw fail('provider_unavailable', undefined, 'with a malformed token response');
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw fail('provider_unavailable', undefined, 'without an access_token');
  }

  const token: TokenResponse = { ...body, access_token: body.access_token, token_type: 'Bearer' };
  // simple-oauth2 adds a computed `expires_at` Date; it is not part of the wire response.
  if (body.expires_at instanceof Date) delete token.expires_at;
  if (typeof body.token_type === 'string' && body.token_type !== '') token.token_type = body.token_type;
  for (const field of ['expires_in', 'refresh_token_expires_in'] as const) {
    const seconds = toSeconds(body[field]);
    if (seconds === undefined) delete token[field];
    else token[field] = seconds;
  }
  for (const field of ['refresh_token', 'scope', 'id_token'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') delete token[field];
  }
  return token;
}

/** JSON when it looks like JSON, otherwise `application/x-www-form-urlencoded`. */
function decodeBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  if (trimmed === '') return undefined;
  return Object.fromEntries(new URLSearchParams(trimmed));
}

function toSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
