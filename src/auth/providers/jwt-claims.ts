import type { JWTPayload } from 'jose';
import type { AuthContextInit } from '../auth-context';
import { grantList } from './grant-list';
import { JwtRejectedError } from './jwt-failure';

/** Which claims of a verified token become the caller's identity and grants. */
export interface JwtClaimMapping {
  scopeClaim: string;
  rolesClaim: string;
  permissionsClaim: string;
  userIdClaim: string;
  /** When unset, the first of `preferred_username`, `username`, `name`, `email`. */
  usernameClaim?: string;
}

const USERNAME_CLAIMS = ['preferred_username', 'username', 'name', 'email'];

/**
 * Maps a verified payload to an `AuthContext`. Scopes are read from the scope claim and from `scp`
 * (Azure AD / Okta spell it that way); each grant claim may be an array or a space-separated string.
 */
export function contextFromClaims(payload: JWTPayload, mapping: JwtClaimMapping, provider: string): AuthContextInit {
  const rawId = readClaim(payload, mapping.userIdClaim);
  // Some issuers put numeric ids in a custom user-id claim; `sub` itself is always a string.
  const userId = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? String(rawId) : rawId;
  if (typeof userId !== 'string' || userId === '') {
    throw new JwtRejectedError(`Token has no usable "${mapping.userIdClaim}" claim`);
  }
  const usernameClaims = mapping.usernameClaim === undefined ? USERNAME_CLAIMS : [mapping.usernameClaim];
  const username = usernameClaims
    .map((name) => readClaim(payload, name))
    .find((value): value is string => typeof value === 'string' && value !== '');
  return {
    userId,
    username,
    provider,
    scopes: new Set([...grantList(readClaim(payload, mapping.scopeClaim)), ...grantList(payload.scp)]),
    roles: grantList(readClaim(payload, mapping.rolesClaim)),
    permissions: grantList(readClaim(payload, mapping.permissionsClaim)),
    claims: payload,
    expiresAt: payload.exp,
  };
}

/**
 * A claim by name; when no claim has that exact name, a dotted path into nested objects
 * (`realm_access.roles`). Exact names come first because namespaced claims contain dots
 * (`https://example.com/roles`).
 */
export function readClaim(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
