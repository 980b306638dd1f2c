import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
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
