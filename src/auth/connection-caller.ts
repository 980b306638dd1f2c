import { inspect } from 'node:util';
import type { AuthContext } from './auth-context';
import type { Credentials } from './provider';

/** The field of a `RequestContext` holding its connection's `ConnectionCaller` (stdio, in memory). */
export const CONNECTION_CALLER: unique symbol = Symbol('nextmcp:connection-caller');

/**
 * What one connection's last bearer token was found to be, for a token its provider checks by
 * itself (a JWT: no session, an expiry): a stdio or in-memory client sends the same token call after
 * call, and checking it again would only hash and look it up again. Kept until the token expires,
 * as the provider's own cache would; a session caller (OAuth, the authorization server) is never
 * kept, so session changes and grant revocations are seen on the next call. One per connection:
 * a token is only ever compared with one the same peer sent before.
 */
export class ConnectionCaller {
  private token: string | undefined;
  private hint: unknown;
  private owner: object | undefined;
  private auth: AuthContext | undefined;
  private validUntil = 0;

  /** The caller `credentials` were found to be by `owner` (an authenticator's setup), if still valid. */
  recall(credentials: Credentials, owner: object): AuthContext | undefined {
    if (credentials.access_token !== this.token || this.token === undefined || credentials.provider !== this.hint || owner !== this.owner) return undefined;
    return Date.now() / 1000 < this.validUntil ? this.auth : undefined;
  }

  /** Keeps what `credentials` were found to be, when the caller has no session and an expiry. */
  remember(credentials: Credentials, owner: object, caller: { auth: AuthContext; session?: unknown }): void {
    const token = credentials.access_token;
    if (caller.session !== undefined || caller.auth.expiresAt === undefined || typeof token !== 'string') return;
    this.token = token;
    this.hint = credentials.provider;
    this.owner = owner;
    this.auth = caller.auth;
    this.validUntil = caller.auth.expiresAt;
  }

  /** Console output without the token. */
  [inspect.custom](): string {
    return `ConnectionCaller { caller: ${this.auth ? inspect(this.auth.userId) : 'none'} }`;
  }
}
