import type { AuthContext } from './auth-context';

/** A permission RBAC knows of. */
export interface PermissionDefinition {
  /** The permission (`files:read`, `files:*`, `*`). */
  name: string;
  /** What it allows, for people. */
  description?: string;
}

/** A role and the permissions it grants. */
export interface RoleDefinition {
  /** The role. */
  name: string;
  /** What it is for, for people. */
  description?: string;
  /** The permissions it grants (wildcards allowed). */
  permissions: Set<string>;
}

/** `loadFromConfig` input: lists or maps, as written in JSON/YAML. */
export interface RBACConfig {
  /** Permissions: names, definitions, or a map of name to `{ description }`. */
  permissions?:
    | (string | PermissionDefinition)[]
    | Record<
        string,
        {
          /** What it allows. */
          description?: string;
        }
      >;
  /** Roles: a list of definitions, or a map of name to `{ description, permissions }`. */
  roles?:
    | {
        /** The role. */
        name: string;
        /** What it is for. */
        description?: string;
        /** The permissions it grants. */
        permissions?: string[];
      }[]
    | Record<
        string,
        {
          /** What it is for. */
          description?: string;
          /** The permissions it grants. */
          permissions?: string[];
        }
      >;
}

/**
 * Role-based access control: roles grant permissions. Installed on the auth middleware, it
 * expands a caller's roles into permissions on their `AuthContext`, so `@RequiresPermission`
 * works for providers that only report roles.
 *
 * @example
 * const rbac = new RBAC();
 * rbac.defineRole('editor', 'Edits files', ['files:read', 'files:write']);
 * mcp.use(createAuthMiddleware({ provider, rbac }));
 */
export class RBAC {
  /** The roles, by name. */
  readonly roles = new Map<string, RoleDefinition>();
  /** The permissions, by name. */
  readonly permissions = new Map<string, PermissionDefinition>();

  /** Defines (or redefines) a permission. */
  definePermission(name: string, description?: string): PermissionDefinition {
    const permission = { name, description };
    this.permissions.set(name, permission);
    return permission;
  }

  /** Defines a role, or adds permissions to an existing one. */
  defineRole(name: string, description?: string, permissions: string[] = []): RoleDefinition {
    const role = this.roles.get(name) ?? { name, description, permissions: new Set<string>() };
    role.description = description ?? role.description;
    this.roles.set(name, role);
    for (const p of permissions) this.assignPermissionToRole(name, p);
    return role;
  }

  /** Grants `permission` to an existing role (defining the permission if needed). */
  assignPermissionToRole(role: string, permission: string): void {
    const definition = this.roles.get(role);
    if (!definition) throw new Error(`RBAC: unknown role "${role}"`);
    if (!this.permissions.has(permission)) this.definePermission(permission);
    definition.permissions.add(permission);
  }

  /** The permissions the given roles grant. */
  permissionsFor(roles: Iterable<string>): Set<string> {
    const granted = new Set<string>();
    for (const role of roles) for (const p of this.roles.get(role)?.permissions ?? []) granted.add(p);
    return granted;
  }

  /** The context with its roles' permissions added. */
  expand(auth: AuthContext): AuthContext {
    const granted = this.permissionsFor(auth.roles);
    if ([...granted].every((p) => auth.permissions.has(p))) return auth;
    return auth.with({ permissions: [...auth.permissions, ...granted] });
  }

  /** Adds the permissions and roles of a JSON/YAML configuration. */
  loadFromConfig(config: RBACConfig): this {
    const permissions = config.permissions ?? [];
    const permissionList = Array.isArray(permissions)
      ? permissions.map((p) => (typeof p === 'string' ? { name: p } : p))
      : Object.entries(permissions).map(([name, p]) => ({ name, description: p?.description }));
    for (const p of permissionList) this.definePermission(p.name, p.description);
    const roles = config.roles ?? [];
    const roleList = Array.isArray(roles) ? roles : Object.entries(roles).map(([name, r]) => ({ name, ...r }));
    for (const r of roleList) this.defineRole(r.name, r.description, r.permissions ?? []);
    return this;
  }

  /** The configuration shape, as `loadFromConfig` reads it. */
  toJSON(): RBACConfig {
    return {
      permissions: [...this.permissions.values()],
      roles: [...this.roles.values()].map((r) => ({ name: r.name, description: r.description, permissions: [...r.permissions] })),
    };
  }
}
