import type { Credentials } from '../auth/provider';
import type { HeaderMap } from './request-context';
import type { ConnectionAuthMemo } from '../auth/connection-auth-memo';

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

/** Credentials taken out of a message: as sent (unverified, possibly not even an object). */
export interface SentCredentials {
  readonly credentials: unknown;
  /** What auth remembers for the connection the message came on, when it keeps that. */
  readonly authMemo?: ConnectionAuthMemo;
}

/** A message with its credentials taken out, and those credentials. */
export interface DetachedCredentials<T> {
  message: T;
  /** Absent when the message carried none. */
  sent?: SentCredentials;
}

/**
 * Takes a request's credentials out of the message at the transport boundary: the seed's top-level
 * `auth` member (which the SDK's strict schema would reject) and `params._meta.auth`; the top-level
 * member wins when both are there. The SDK then never parses them (they are a good part of what
 * it would parse), and handlers, and whatever they log, never see a token in their params. The
 * caller carries `sent` beside the message (see `detachIntoExtra`), with the connection's
 * `authMemo` when it has one. The message itself is not changed: a copy without the
 * credentials is returned.
 */
export function detachCredentials<T>(message: T, authMemo?: ConnectionAuthMemo): DetachedCredentials<T> {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { message };
  const record = message as Record<string, unknown>;
  if (typeof record.method !== 'string') return { message };
  const params = isRecord(record.params) ? record.params : undefined;
  const meta = params && isRecord(params._meta) ? params._meta : undefined;
  const inMeta = meta !== undefined && Object.hasOwn(meta, CREDENTIALS_KEY);
  const topLevel = Object.hasOwn(record, CREDENTIALS_KEY);
  if (!inMeta && !topLevel) return { message };
  const credentials = topLevel ? record[CREDENTIALS_KEY] : meta?.[CREDENTIALS_KEY];
  // Object.assign copies are the cheap ones here; rest destructuring only to drop a key that
  // must not stay even as `undefined` (the SDK's request schema is strict at the top level).
  let stripped: Record<string, unknown>;
  if (topLevel) {
    const { [CREDENTIALS_KEY]: _sent, ...rest } = record;
    stripped = rest;
  } else {
    stripped = Object.assign({}, record);
  }
  if (inMeta && params && meta) {
    const otherParams = Object.assign({}, params);
    otherParams._meta = hasOtherKey(meta, CREDENTIALS_KEY) ? withoutKey(meta, CREDENTIALS_KEY) : undefined;
    stripped.params = otherParams;
  }
  return { message: stripped as T, sent: { credentials, authMemo } };
}

function hasOtherKey(record: Record<string, unknown>, key: string): boolean {
  for (const k in record) if (k !== key && Object.hasOwn(record, k)) return true;
  return false;
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Credentials from the message, then HTTP headers, which win. With the default key, credentials
 * detached at the transport (`sent`) are the message's; otherwise `params._meta[key]` is read.
 */
export function extractCredentials(
  params: Record<string, unknown> | undefined,
  headers: HeaderMap | undefined,
  key: string = CREDENTIALS_KEY,
  sent?: SentCredentials,
): Credentials | undefined {
  const meta = params?._meta as Record<string, unknown> | undefined;
  const fromMessage = sent && key === CREDENTIALS_KEY ? sent.credentials : meta?.[key];
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
