import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import type { Credentials } from '../auth/provider';
import type { AuthContext } from '../auth/auth-context';
import type { SessionData } from '../session/session-data';
import type { Target } from '../metadata/targets';
import { detachCredentials } from './credentials';
import type { ConnectionCaller } from '../auth/connection-caller';

/*
 * What a transport or the HTTP gate hands the pipeline with a message travels in the SDK's
 * `authInfo`, under a Symbol key: a symbol never survives JSON, so nothing a client sends can
 * produce it.
 */
const CARRIED = Symbol('nextmcp:carried');

/** What travels beside a message into the pipeline. */
export interface CarriedRequest {
  /** Credentials as sent (unverified): the message's own on stdio and in memory, the headers' over HTTP. */
  credentials?: unknown;
  /** The caller the HTTP gate verified. */
  auth?: AuthContext;
  session?: SessionData;
  /** What the connection (stdio, in memory) remembers of its last token's caller. */
  connection?: ConnectionCaller;
  /** Targets whose access the HTTP gate already decided for this caller; `undefined`: the access of a request naming no known target. */
  decided?: ReadonlySet<Target | undefined>;
}

/** An `authInfo` for the SDK carrying `carried` (and the bearer token, as the SDK's own field). */
export function carryRequest(carried: CarriedRequest, token = ''): AuthInfo {
  const auth = carried.auth;
  return {
    token,
    clientId: auth?.userId ?? '',
    scopes: auth ? [...auth.scopes] : [],
    expiresAt: auth?.expiresAt,
    extra: { [CARRIED]: carried } as Record<string, unknown>,
  };
}

export function readCarried(info: AuthInfo | undefined): CarriedRequest | undefined {
  const extra = info?.extra as Record<symbol, unknown> | undefined;
  return extra?.[CARRIED] as CarriedRequest | undefined;
}

/**
 * What stdio and in-memory transports do with an incoming message: its credentials taken out
 * (`detachCredentials`) and carried beside it; a message without any carries the connection's
 * `defaults`, if it has them.
 */
export function detachIntoExtra<T>(
  message: T,
  extra?: MessageExtraInfo,
  defaults?: Credentials,
  connection?: ConnectionCaller,
): { message: T; extra?: MessageExtraInfo } {
  const detached = detachCredentials(message);
  const credentials = detached.sent ? detached.sent.credentials : defaults;
  if (credentials === undefined) return { message, extra };
  return { message: detached.message, extra: { ...extra, authInfo: carryRequest({ credentials, connection }) } };
}
