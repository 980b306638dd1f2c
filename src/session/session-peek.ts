import type { SessionData } from './session-data';
import type { SessionStore } from './session-store';

/** The method, on stores that keep sessions in this process, that reads without copying. */
export const PEEK_BY_ACCESS_TOKEN = Symbol('nextmcp:peek-by-access-token');

/**
 * A number that changes whenever anything a peek could answer changes (a session saved, updated,
 * deleted, evicted or dropped past retention), so an answer can be reused while it stays the
 * same; `undefined` when every lookup must reach the store (a store bounded by recency, where a
 * lookup is a use).
 */
export const LENDING_REVISION = Symbol('nextmcp:lending-revision');

/**
 * A store that can hand out its own stored session for a token without copying it. The object is
 * frozen and is never changed: any change to the session (save, token update, delete) stores a new
 * object, so its identity is the session's revision. Callers must not expose it; copy with `clone()`.
 */
export interface PeekableSessionStore extends SessionStore {
  /** `tokenHash`, when given, must be `hashToken(token)` (else the lookup misses). */
  [PEEK_BY_ACCESS_TOKEN](token: string, tokenHash?: string): SessionData | undefined;
  readonly [LENDING_REVISION]: number | undefined;
}

export function isPeekable(store: SessionStore): store is PeekableSessionStore {
  return typeof (store as Partial<PeekableSessionStore>)[PEEK_BY_ACCESS_TOKEN] === 'function';
}
