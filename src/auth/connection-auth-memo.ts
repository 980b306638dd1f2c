import { inspect } from 'node:util';
import type { AuthContext } from './auth-context';
import type { AuthProvider } from './provider';
import type { SessionData } from '../session/session-data';
import { hashToken, type TokenHasher } from './token-hash';

/** A caller a connection's last token was found to be, with everything that answer rests on. */
export interface RememberedCaller {
  /** Whoever worked it out (an authenticator); only it recalls the answer. */
  readonly owner: object;
  readonly candidates: readonly AuthProvider[];
  /** The store's lending revision when the session was found (see `LENDING_REVISION`). */
  readonly revision: number;
  readonly token: string;
  readonly auth: AuthContext;
  /** The store's lent (frozen) session. */
  readonly session: SessionData;
  /** Epoch seconds from which the session no longer vouches for the token as it is. */
  readonly validUntil: number;
}

/**
 * What auth remembers for one connection (stdio, in-memory): a client sends the same token call
 * after call, so the hash of the last token, and the caller it was found to be, are kept; a repeat
 * then costs a few comparisons instead of a SHA-256 and a session lookup. Comparing a token with
 * the remembered one stops at the first differing character, so its time says how much of the two
 * match: one memo must never serve two connections, so that a token is only ever compared with
 * one the same peer sent before.
 */
export class ConnectionAuthMemo implements TokenHasher {
  private lastToken: string | undefined;
  private lastHash = '';
  private caller: RememberedCaller | undefined;

  /** `hashToken(token)`, computed once per change of token. */
  hash(token: string): string {
    if (token !== this.lastToken) {
      this.lastHash = hashToken(token);
      this.lastToken = token;
    }
    return this.lastHash;
  }

  /** The remembered caller if it was worked out by `owner` from exactly these inputs. */
  recallCaller(owner: object, candidates: readonly AuthProvider[], revision: number, token: string): RememberedCaller | undefined {
    const caller = this.caller;
    return caller !== undefined && caller.owner === owner && caller.revision === revision && caller.candidates === candidates && caller.token === token
      ? caller
      : undefined;
  }

  rememberCaller(caller: RememberedCaller): void {
    this.caller = caller;
  }

  /** Console output without the remembered token. */
  [inspect.custom](): string {
    return `ConnectionAuthMemo { caller: ${this.caller ? inspect(this.caller.auth.userId) : 'none'} }`;
  }
}
