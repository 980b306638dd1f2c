import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { detachCredentials, type SentCredentials } from './credentials';
import type { ConnectionAuthMemo } from '../auth/connection-auth-memo';
import type { AuthContext } from '../auth/auth-context';
import type { SessionData } from '../session/session-data';

/*
 * The HTTP layer authenticates before the SDK transport sees a request (so it can answer 401/403).
 * It hands the result to the pipeline through the SDK's `authInfo`, under a Symbol key: a symbol
 * never survives JSON, so nothing a client sends can produce it.
 */
const CARRIED = Symbol('nextmcp:carried-auth');

export interface CarriedAuth {
  auth?: AuthContext;
  session?: SessionData;
}

export function carryAuth(token: string, carried: CarriedAuth): AuthInfo {
  const auth = carried.auth;
  return {
    token,
    clientId: auth?.userId ?? '',
    scopes: auth ? [...auth.scopes] : [],
    expiresAt: auth?.expiresAt,
    extra: { [CARRIED]: carried } as Record<string, unknown>,
  };
}

export function readCarriedAuth(info: AuthInfo | undefined): CarriedAuth | undefined {
  const extra = info?.extra as Record<symbol, unknown> | undefined;
  return extra?.[CARRIED] as CarriedAuth | undefined;
}

/*
 * Credentials a transport took out of a message (`detachCredentials`) travel beside it the same
 * way, under another symbol: unverified, they are only ever read as the message's credentials.
 */
const SENT = Symbol('nextmcp:sent-credentials');
const NO_SCOPES: string[] = Object.freeze([]) as unknown as string[];

/** `info` (or a new one) that also carries a message's detached credentials. */
function carrySentCredentials(info: AuthInfo | undefined, sent: SentCredentials): AuthInfo {
  // The common case (no verified auth to keep) builds one small object: this runs per message.
  if (!info) return { token: '', clientId: '', scopes: NO_SCOPES, extra: { [SENT]: sent } as Record<string, unknown> };
  return { ...info, extra: { ...info.extra, [SENT]: sent } as Record<string, unknown> };
}

/**
 * What every transport does with an incoming message: its credentials taken out
 * (`detachCredentials`) and carried in the extra info handed to the SDK with it. A transport that
 * is one connection passes its own `authMemo`.
 */
export function detachIntoExtra<T>(
  message: T,
  extra?: MessageExtraInfo,
  authMemo?: ConnectionAuthMemo,
): { message: T; extra?: MessageExtraInfo } {
  const detached = detachCredentials(message, authMemo);
  if (!detached.sent) return { message, extra };
  return { message: detached.message, extra: { ...extra, authInfo: carrySentCredentials(extra?.authInfo, detached.sent) } };
}

export function readSentCredentials(info: AuthInfo | undefined): SentCredentials | undefined {
  const extra = info?.extra as Record<symbol, unknown> | undefined;
  return extra?.[SENT] as SentCredentials | undefined;
}
