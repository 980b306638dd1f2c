import type { Credentials } from '../auth/provider';
import type { HeaderMap } from './request-context';

/** Where credentials travel inside a message: `params._meta.auth` and the top-level `auth` member. */
export const CREDENTIALS_KEY = 'auth';

/**
 * The seed's clients put credentials in a top-level JSON-RPC member
 * (`{"method":"tools/call","params":{…},"auth":{"access_token":"…"}}`), which the SDK's strict
 * message schema would reject. At the transport boundary we move it to `params._meta.auth`, where
 * the pipeline reads credentials from. Returns the message unchanged when there is nothing to move.
 */
export function liftAuthMember<T>(message: T): T {
  if (Array.isArray(message)) return message.map((m) => liftAuthMember(m)) as T;
  if (typeof message !== 'object' || message === null || !(CREDENTIALS_KEY in message)) return message;
  const { [CREDENTIALS_KEY]: auth, ...rest } = message as Record<string, unknown>;
  if (typeof rest.method !== 'string') return message;
  const params = (typeof rest.params === 'object' && rest.params !== null ? rest.params : {}) as Record<string, unknown>;
  const meta = (typeof params._meta === 'object' && params._meta !== null ? params._meta : {}) as Record<string, unknown>;
  return { ...rest, params: { ...params, _meta: { ...meta, [CREDENTIALS_KEY]: auth } } } as T;
}

/** Credentials from the message (`params._meta[key]`), then HTTP headers, which win. */
export function extractCredentials(
  params: Record<string, unknown> | undefined,
  headers: HeaderMap | undefined,
  key: string = CREDENTIALS_KEY,
): Credentials | undefined {
  const meta = params?._meta as Record<string, unknown> | undefined;
  const fromMessage = meta?.[key];
  const fromHeaders = headers ? credentialsFromHeaders(headers) : undefined;
  if (fromMessage === undefined && !fromHeaders) return undefined;
  // A non-object credentials member is kept as an unusable credential so it is refused, not ignored.
  const message: Credentials =
    typeof fromMessage === 'object' && fromMessage !== null ? Object.assign({}, fromMessage as Credentials) : fromMessage === undefined ? {} : { malformed: true };
  return fromHeaders ? { ...message, ...fromHeaders } : message;
}

/** `Authorization: Bearer <token>` (scheme case-insensitive) and `X-API-Key: <key>`. */
export function credentialsFromHeaders(headers: HeaderMap): Credentials | undefined {
  const creds: Credentials = {};
  const authorization = single(headers.authorization);
  if (authorization !== undefined) {
    const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) creds.access_token = match[1];
    else creds.malformed = true;
  }
  const apiKey = single(headers['x-api-key']);
  if (apiKey !== undefined) creds.api_key = apiKey;
  return Object.keys(creds).length > 0 ? creds : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
