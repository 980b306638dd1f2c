import type { Credentials } from '../auth/provider';

/** Where credentials travel inside a message: `params._meta.auth` and the seed's top-level `auth` member. */
export const CREDENTIALS_KEY = 'auth';

/** A message with its credentials taken out, and those credentials as sent (unverified, maybe not an object). */
export interface DetachedCredentials<T> {
  message: T;
  /** Absent when the message carried none. */
  sent?: { credentials: unknown };
}

/**
 * Takes a request's credentials out of the message at the transport boundary (stdio, in memory):
 * the seed's top-level `auth` member (which the SDK's strict schema would reject) and
 * `params._meta.auth`; the top-level member wins when both are there. Handlers, and whatever they
 * log, never see a token in their params. Only the message's own top level is looked at. The
 * message itself is not changed: a copy without the credentials is returned.
 */
export function detachCredentials<T>(message: T): DetachedCredentials<T> {
  if (!isRecord(message) || typeof message.method !== 'string') return { message };
  const params = isRecord(message.params) ? message.params : undefined;
  const meta = params && isRecord(params._meta) ? params._meta : undefined;
  const inMeta = meta !== undefined && Object.hasOwn(meta, CREDENTIALS_KEY);
  const topLevel = Object.hasOwn(message, CREDENTIALS_KEY);
  if (!inMeta && !topLevel) return { message };
  const credentials = topLevel ? message[CREDENTIALS_KEY] : meta?.[CREDENTIALS_KEY];
  // Object.assign copies are the cheap ones; the top-level member must go, not stay `undefined`
  // (the SDK's request schema is strict there), so that one copy leaves it out.
  const stripped = topLevel ? withoutKey(message, CREDENTIALS_KEY) : Object.assign({}, message);
  if (inMeta && params && meta) {
    const strippedParams = Object.assign({}, params);
    strippedParams._meta = Object.keys(meta).length > 1 ? withoutKey(meta, CREDENTIALS_KEY) : undefined;
    stripped.params = strippedParams;
  }
  return { message: stripped as T, sent: { credentials } };
}

/** Whether a message carries credentials in its body (refused over HTTP, where they go in headers). */
export function hasBodyCredentials(message: unknown): boolean {
  if (!isRecord(message)) return false;
  const params = isRecord(message.params) ? message.params : undefined;
  const meta = params && isRecord(params._meta) ? params._meta : undefined;
  return Object.hasOwn(message, CREDENTIALS_KEY) || (meta !== undefined && Object.hasOwn(meta, CREDENTIALS_KEY));
}

/**
 * Credentials as the pipeline keeps them: a copy of what was sent. Anything but an object is
 * kept as an unusable credential, so that it is refused rather than ignored.
 */
export function toCredentials(sent: unknown): Credentials | undefined {
  if (sent === undefined) return undefined;
  return isRecord(sent) ? { ...(sent as Credentials) } : { malformed: true };
}

/** The credentials in `params._meta[key]`, for an auth middleware reading another key than `auth`. */
export function credentialsAt(params: Record<string, unknown>, key: string): Credentials | undefined {
  const meta = isRecord(params._meta) ? params._meta : undefined;
  return toCredentials(meta?.[key]);
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
