/**
 * Injection tokens. `Symbol.for` so that two copies of the package in one process still agree.
 *
 * @example
 * container.register(AUTH_PROVIDER, { useValue: new JwtProvider({ … }) });
 */
export const AUTH_PROVIDER: unique symbol = Symbol.for('nextmcp:AUTH_PROVIDER');
/** The `SessionStore` the auth middleware uses when it is given none (else an in-memory one). */
export const SESSION_STORE: unique symbol = Symbol.for('nextmcp:SESSION_STORE');
/** The `PermissionManifest` the auth middleware uses when it is given none. */
export const PERMISSION_MANIFEST: unique symbol = Symbol.for('nextmcp:PERMISSION_MANIFEST');
/** Request scope: the caller's `AuthContext` (or `undefined`), in each request's child container. */
export const AUTH_CONTEXT: unique symbol = Symbol.for('nextmcp:AUTH_CONTEXT');
/** The authorization server's `AuthorizationStore` (used when `enableAuthorizationServer()` is given none). */
export const AUTHORIZATION_STORE: unique symbol = Symbol.for('nextmcp:AUTHORIZATION_STORE');
