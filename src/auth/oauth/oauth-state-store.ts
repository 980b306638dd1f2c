/**
 * What was decided when the user was sent to authorize: everything the callback needs to finish
 * the exchange. Bound to one `state` value and consumed at most once.
 */
export interface PendingAuthorization {
  /** The `name` of the provider that issued the authorization URL. */
  provider: string;
  /** The PKCE verifier whose S256 challenge went into the authorization URL. */
  verifier: string;
  /** The exact `redirect_uri` sent; the token request must repeat it. */
  redirectUri: string;
  /** The scopes requested. */
  scopes: string[];
  /** Where the login flow sends the browser afterwards (already checked against its allow-list). */
  returnTo?: string;
  /** Epoch milliseconds at which the authorization URL was made. */
  createdAt: number;
}

/**
 * Where pending authorizations wait for their callback. Implementations must make `consume`
 * atomic: of two concurrent calls with the same state (even on different replicas), at most one
 * gets the record, so a replayed callback is refused.
 *
 * @example
 * const provider = new GitHubOAuthProvider({ clientId, clientSecret,
 *   stateStore: new RedisOAuthStateStore({ client: sessions.client }) });
 */
export interface OAuthStateStore {
  /**
   * Keep `authorization` under `state` for `ttlSeconds`. Rejects when the state is already taken,
   * so a caller-chosen state can never overwrite a pending one.
   */
  save(state: string, authorization: PendingAuthorization, ttlSeconds: number): Promise<void>;
  /** Remove and return the record; `null` when the state is unknown, expired or already used. */
  consume(state: string): Promise<PendingAuthorization | null>;
  /** Release connections the store opened itself. */
  close?(): Promise<void>;
}

/** Thrown by `save` when the state value is already pending. */
export class StateCollisionError extends Error {
  constructor() {
    super('This OAuth state value is already pending; states must be unique');
    this.name = 'StateCollisionError';
  }
}
