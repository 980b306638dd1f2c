import { FrozenSet } from './frozen-set';
import { frozenRecord } from './frozen-record';

/** What a provider knows about an authenticated caller. */
export interface AuthContextInit {
  userId: string;
  username?: string;
  /** The `name` of the provider that authenticated the caller. */
  provider: string;
  scopes?: Iterable<string>;
  roles?: Iterable<string>;
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
  readonly authenticated = true as const;
  readonly userId: string;
  readonly username?: string;
  readonly provider: string;
  readonly scopes: ReadonlySet<string>;
  readonly roles: ReadonlySet<string>;
  readonly permissions: ReadonlySet<string>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
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

  hasScope(scope: string): boolean {
    return this.scopes.has(scope);
  }

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
