import { AuthContext } from './auth-context';
import type { SessionData } from '../session/session-data';

/** Where a session keeps the verified identity, so a token found by hash needs no provider call. */
export const SESSION_IDENTITY_KEY = 'nextmcp.identity';

/** What a session remembers of a verified identity (see `contextFromSession`). */
export interface IdentitySnapshot {
  username?: string;
  roles?: string[];
  permissions?: string[];
  claims?: Record<string, unknown>;
}

export function identitySnapshot(auth: AuthContext): IdentitySnapshot {
  return { username: auth.username, roles: [...auth.roles], permissions: [...auth.permissions], claims: { ...auth.claims } };
}

/** The caller a session stands for: the identity verified when it was created, or its own fields. */
export function contextFromSession(session: SessionData): AuthContext {
  const identity = (session.metadata[SESSION_IDENTITY_KEY] ?? {}) as IdentitySnapshot;
  const username = identity.username ?? (typeof session.userInfo.username === 'string' ? session.userInfo.username : undefined);
  return new AuthContext({
    userId: session.userId,
    provider: session.provider ?? '',
    username,
    scopes: session.scopes,
    roles: identity.roles,
    permissions: identity.permissions,
    claims: identity.claims,
    metadata: { session: true },
    expiresAt: session.expiresAt,
  });
}
