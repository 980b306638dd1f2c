import type { TransportKind } from '../../pipeline/request-context';
import type { AuthenticationFailure, AuthorizationFailure, AuthErrorCode } from '../errors';

/** Who made a call, as events report it: never a token or a claim beyond these two. */
export interface EventCaller {
  /** The provider's name (`AuthContext.provider`). */
  provider: string;
  /** The provider's stable user id (`AuthContext.userId`). */
  userId: string;
}

/**
 * `auth:allowed`: a call was decided and allowed for an authenticated caller (calls to open
 * targets by anonymous callers are not reported: nothing was decided about anyone).
 */
export interface AuthAllowedEvent {
  /** The JSON-RPC method (`tools/call`, `resources/read`, `prompts/get`). */
  method: string;
  /** The tool, resource or prompt name; `null` for a call naming no known target. */
  target: string | null;
  /** Who made the call. */
  caller: EventCaller;
  /** How the request arrived. */
  transport: TransportKind;
}

/**
 * `auth:denied`: a request was refused with -31001 or -31003. Also for requests that address no
 * target, e.g. an `initialize` without a token over HTTP (`target: null`); for an HTTP request that
 * carries no JSON-RPC message (the GET stream, a DELETE of a session) `method` is the HTTP method.
 */
export interface AuthDeniedEvent {
  /** The JSON-RPC method, or the HTTP method of a request that carries none. */
  method: string;
  /** The tool, resource or prompt name; `null` when the request names none. */
  target: string | null;
  /** The authenticated caller, when the refusal is about what they may do (or which provider they used). */
  caller?: EventCaller;
  /** How the request arrived. */
  transport: TransportKind;
  /** -31001 (authentication) or -31003 (authorization), as the client sees it. */
  code: AuthErrorCode;
  /** The refusal's `data.error`. */
  reason: AuthenticationFailure | AuthorizationFailure;
  /** Scopes the caller lacks (`insufficient_scope`). */
  missingScopes?: string[];
  /** Roles of which the call needs one (`forbidden`). */
  requiredRoles?: string[];
  /** Permissions of which the call needs one (`forbidden`). */
  requiredPermissions?: string[];
}

/** `session:created`, `session:refreshed`, `session:deleted`: which OAuth provider session. */
export interface SessionEvent {
  /** The session's provider; `''` for a session saved without one. */
  provider: string;
  /** The user id at that provider. */
  userId: string;
}

/**
 * Why a refresh failed: `refused` — the provider refused the refresh token, so the user must
 * authorize again; `provider_unavailable` — the provider or the session store could not be reached
 * (the next call tries again).
 */
export type SessionRefreshFailure = 'refused' | 'provider_unavailable';

/** `session:refresh_failed`. */
export interface SessionRefreshFailedEvent extends SessionEvent {
  /** Why the refresh failed. */
  reason: SessionRefreshFailure;
}

/** `grant:issued`, `grant:revoked`: a grant of the authorization server (DESIGN §7). */
export interface GrantEvent {
  /** The grant's id (the access token's `sid`). */
  grantId: string;
  /** The MCP client the grant was issued to. */
  clientId: string;
  /** The upstream user id. */
  userId: string;
}

/**
 * Every event `mcp.on()` can listen to, with its payload. No payload ever holds a token, code,
 * secret or credential.
 *
 * @example
 * const stop = mcp.on('auth:denied', (event) => {
 *   if (event.reason === 'insufficient_scope') metrics.increment('scope_refusals', { tool: event.target });
 * });
 */
export interface AuthEventMap {
  /** A call allowed for an authenticated caller. */
  'auth:allowed': AuthAllowedEvent;
  /** A request refused with -31001 or -31003. */
  'auth:denied': AuthDeniedEvent;
  /** An OAuth provider session was created: a first verified token, or a server-hosted login. */
  'session:created': SessionEvent;
  /** This process refreshed a session's provider token (a refresh another replica made is its event). */
  'session:refreshed': SessionEvent;
  /** A refresh of a session's provider token failed. */
  'session:refresh_failed': SessionRefreshFailedEvent;
  /** A session was removed through the session store the auth middleware uses (see `SessionStore.onChange`). */
  'session:deleted': SessionEvent;
  /** The authorization server issued a grant (a user approved a client). */
  'grant:issued': GrantEvent;
  /** A grant was revoked (RFC 7009 revocation, a replayed code or refresh token, `revokeGrant`). */
  'grant:revoked': GrantEvent;
}

/** The name of an event: a key of `AuthEventMap`. */
export type AuthEventName = keyof AuthEventMap;

/**
 * A listener of event `E`. It runs after the decision and is never awaited: what it returns (a
 * promise included) is ignored, and what it throws (or rejects with) is logged as a warning.
 */
export type AuthEventListener<E extends AuthEventName> = (payload: Readonly<AuthEventMap[E]>, event: E) => unknown;

/** Every event name, in the order `AuthEventMap` lists them. */
export const AUTH_EVENT_NAMES: readonly AuthEventName[] = [
  'auth:allowed',
  'auth:denied',
  'session:created',
  'session:refreshed',
  'session:refresh_failed',
  'session:deleted',
  'grant:issued',
  'grant:revoked',
];
