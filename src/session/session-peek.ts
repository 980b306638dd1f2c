import type { SessionData } from './session-data';
import type { SessionStore } from './session-store';

/** The method, on stores that keep sessions in this process, that reads without copying. */
export const PEEK_BY_ACCESS_TOKEN = Symbol('nextmcp:peek-by-access-token');

/**
 * A store that can hand out its own stored session for a token without copying it. The object is
 * frozen and is never changed: any change to the session (save, token update, delete) stores a new
 * object, so its identity is the session's revision. Callers must not expose it; copy with `clone()`.
 */
export interface PeekableSessionStore extends SessionStore {
  /** `tokenHash`, when given, must be `hashToken(token)` (else the lookup misses). */
  [PEEK_BY_ACCESS_TOKEN](token: string, tokenHash?: string): SessionData | undefined;
}

export function isPeekable(store: SessionStore): store is PeekableSessionStore {
  return typeof (store as Partial<PeekableSessionStore>)[PEEK_BY_ACCESS_TOKEN] === 'function';
}
