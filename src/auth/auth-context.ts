import { FrozenSet } from './frozen-set';
import { frozenRecord } from './frozen-record';

/** What a provider knows about an authenticated caller. */
export interface AuthContextInit {
  /** The provider's stable user id (GitHub: the numeric id; Google: `sub`; JWT: `sub`). */
  userId: string;
  /** A display name (login, email), when the provider has one. */
  username?: string;
  /** The `name` of the provider that authenticated the caller. */
  provider: string;
  /** Scopes granted, as the provider reported them. */
  scopes?: Iterable<string>;
  /** Roles granted. */
  roles?: Iterable<string>;
  /** Permissions granted (`files:*` and `*` wildcards allowed). */
  permissions?: Iterable<string>;
  /** Verified token claims (JWT) or provider user info. Never the token itself. */
  claims?: Record<string, unknown>;
  /** Free-form data a provider or middleware attaches (e.g. GitHub orgs). */
  metadata?: Record<string, unknown>;
  /** Epoch seconds at which the credential stops being valid, when known. */
  expiresAt?: number;
}

/**
 * The authenticated caller of one request. Built only by providers on the server side; a client can
 * never supply one. Immutable all the way down (scopes, roles and permissions are `FrozenSet`s,
 * claims and metadata frozen copies), so one context can serve every request of a caller.
 */
export class AuthContext {
  /** Always true: an `AuthContext` exists only for a verified caller. */
  readonly authenticated = true as const;
  /** The provider's stable user id. */
  readonly userId: string;
  /** A display name, when the provider has one. */
  readonly username?: string;
  /** The `name` of the provider that authenticated the caller. */
  readonly provider: string;
  /** Granted scopes (from the token or the provider, never from the client). */
  readonly scopes: ReadonlySet<string>;
  /** Granted roles. */
  readonly roles: ReadonlySet<string>;
  /** Granted permissions, including those RBAC derives from roles. */
  readonly permissions: ReadonlySet<string>;
  /** Verified token claims (JWT) or provider user info; never the token. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Free-form data a provider or middleware attached. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Epoch seconds at which the credential stops being valid, when known. */
  readonly expiresAt?: number;

  constructor(init: AuthContextInit) {
    if (typeof init.userId !== 'string' || init.userId === '') {
      throw new TypeError('AuthContext needs a non-empty string userId');
    }
    this.userId = init.userId;
    this.username = init.username;
    this.provider = init.provider;
    this.scopes = new FrozenSet(init.scopes);
    this.roles = new FrozenSet(init.roles);
    this.permissions = new FrozenSet(init.permissions);
    this.claims = frozenRecord(init.claims);
    this.metadata = frozenRecord(init.metadata);
    this.expiresAt = init.expiresAt;
    Object.freeze(this);
  }

  /** Whether `scope` was granted. */
  hasScope(scope: string): boolean {
    return this.scopes.has(scope);
  }

  /** Whether `role` was granted. */
  hasRole(role: string): boolean {
    return this.roles.has(role);
  }

  /**
   * True when a granted permission covers `permission`: the same string, `*`, or a `prefix:*`
   * wildcard (`files:*` covers `files:read` and `files:*`).
   */
  hasPermission(permission: string): boolean {
    if (this.permissions.has(permission) || this.permissions.has('*')) return true;
    for (const granted of this.permissions) {
      if (granted.endsWith(':*') && permission.startsWith(granted.slice(0, -1))) return true;
    }
    return false;
  }

  /** A copy with extra roles/permissions (RBAC expansion) or other fields replaced. */
  with(changes: Partial<AuthContextInit>): AuthContext {
    return new AuthContext({ ...this.toInit(), ...changes });
  }

  /** The fields as `new AuthContext()` takes them. */
  toInit(): AuthContextInit {
    return {
      userId: this.userId,
      username: this.username,
      provider: this.provider,
      scopes: [...this.scopes],
      roles: [...this.roles],
      permissions: [...this.permissions],
      claims: { ...this.claims },
      metadata: { ...this.metadata },
      expiresAt: this.expiresAt,
    };
  }

  /** The seed's snake_case shape, without claims or metadata. */
  toJSON(): Record<string, unknown> {
    return {
      authenticated: true,
      user_id: this.userId,
      username: this.username,
      provider: this.provider,
      scopes: [...this.scopes],
      roles: [...this.roles],
      permissions: [...this.permissions],
      expires_at: this.expiresAt,
    };
  }
}
