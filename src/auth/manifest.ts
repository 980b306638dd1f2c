import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { OPEN_POLICY, type AccessPolicy } from '../metadata/access-policy';
import { StartupError } from '../startup-error';

/** A scope the manifest defines, with the provider scopes that imply it. */
export interface ScopeDefinition {
  /** The scope, as tools and tokens name it. */
  name: string;
  /** What it allows, for people. */
  description: string;
  /** Provider scopes that stand for this scope, by provider name (e.g. `{ github: ['repo'] }`). */
  oauthMapping?: Record<string, string[]>;
}

/** One tool's entry: its kinds of requirement combine with AND. */
export interface ToolPermission {
  /** ALL of these scopes. */
  scopes?: string[];
  /** ANY of these roles. */
  roles?: string[];
  /** ANY of these permissions (wildcards honoured). */
  permissions?: string[];
  /** What the tool does, for people. */
  description?: string;
  /** Destructive: advertised with `destructiveHint: true` in `tools/list`. */
  dangerous?: boolean;
}

/** The manifest's file shape (JSON or YAML), snake_case as in the seed. */
export interface PermissionManifestJSON {
  /** Scope definitions. */
  scopes?: {
    /** The scope. */
    name: string;
    /** What it allows, for people. */
    description?: string;
    /** Provider scopes that imply it, by provider name (all of them needed). */
    oauth_mapping?: Record<string, string[]>;
  }[];
  /** Entries by tool name. */
  tools?: Record<string, ToolPermission>;
}

/**
 * Per-tool requirements declared outside the code, in one place (or a JSON/YAML file). Combined
 * with the tool's decorators with AND. An entry naming a tool the server does not have is a
 * start-up error.
 *
 * @example
 * const manifest = new PermissionManifest()
 *   .defineScope('files:read', 'Read files', { github: ['repo'] })
 *   .defineToolPermission('read_files', { scopes: ['files:read'] })
 *   .defineToolPermission('admin_panel', { roles: ['admin'], dangerous: true });
 * mcp.use(createAuthMiddleware({ provider, manifest }));
 */
export class PermissionManifest {
  /** The defined scopes, by name. */
  readonly scopes = new Map<string, ScopeDefinition>();
  /** The entries, by tool name. */
  readonly tools = new Map<string, ToolPermission>();
  private readonly policies = new Map<string, AccessPolicy>();

  /** Defines a scope; with `oauthMapping`, callers whose provider granted all the mapped scopes also get this one. */
  defineScope(name: string, description: string, oauthMapping?: Record<string, string[]>): this {
    requireString(name, 'scope name');
    this.scopes.set(name, { name, description, ...(oauthMapping && { oauthMapping }) });
    return this;
  }

  /** Sets a tool's entry (replacing any earlier one). */
  defineToolPermission(tool: string, permission: ToolPermission): this {
    requireString(tool, 'tool name');
    for (const key of ['scopes', 'roles', 'permissions'] as const) {
      const list = permission[key];
      if (list !== undefined && (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === ''))) {
        throw new TypeError(`manifest entry "${tool}": ${key} must be an array of non-empty strings`);
      }
    }
    this.tools.set(tool, { ...permission });
    this.policies.delete(tool);
    return this;
  }

  /** The manifest's policy for a tool, or undefined when it has no entry. */
  policyFor(tool: string): AccessPolicy | undefined {
    const entry = this.tools.get(tool);
    if (!entry) return undefined;
    let policy = this.policies.get(tool);
    if (!policy) {
      const scopes = entry.scopes ?? [];
      const roleSets = entry.roles?.length ? [entry.roles] : [];
      const permissionSets = entry.permissions?.length ? [entry.permissions] : [];
      policy = {
        ...OPEN_POLICY,
        requiresAuth: scopes.length + roleSets.length + permissionSets.length > 0,
        scopes,
        roleSets,
        permissionSets,
        origin: 'manifest',
      };
      this.policies.set(tool, policy);
    }
    return policy;
  }

  /** Whether the tool is marked `dangerous`. */
  isDangerous(tool: string): boolean {
    return this.tools.get(tool)?.dangerous === true;
  }

  /** Scopes implied by a provider's scopes through `oauthMapping` (all mapped scopes present). */
  impliedScopes(provider: string, granted: ReadonlySet<string>): string[] {
    const implied: string[] = [];
    for (const def of this.scopes.values()) {
      const mapped = def.oauthMapping?.[provider];
      if (mapped && mapped.length > 0 && mapped.every((s) => granted.has(s))) implied.push(def.name);
    }
    return implied;
  }

  /** Refuses entries for tools the server does not have (a typo would silently protect nothing). */
  assertTools(known: ReadonlySet<string>): void {
    const unknown = [...this.tools.keys()].filter((t) => !known.has(t));
    if (unknown.length > 0) {
      throw new StartupError(`Permission manifest names tools the server does not have: ${unknown.join(', ')}`);
    }
  }

  /** The file shape (snake_case), for writing a manifest out. */
  toJSON(): PermissionManifestJSON {
    return {
      scopes: [...this.scopes.values()].map((s) => ({
        name: s.name,
        description: s.description,
        ...(s.oauthMapping && { oauth_mapping: s.oauthMapping }),
      })),
      tools: Object.fromEntries(this.tools),
    };
  }

  /** A manifest from its file shape, as parsed from JSON or YAML. */
  static fromJSON(json: PermissionManifestJSON): PermissionManifest {
    if (typeof json !== 'object' || json === null) throw new TypeError('a permission manifest must be an object');
    const manifest = new PermissionManifest();
    for (const scope of json.scopes ?? []) {
      manifest.defineScope(scope.name, scope.description ?? '', scope.oauth_mapping);
    }
    for (const [tool, permission] of Object.entries(json.tools ?? {})) {
      manifest.defineToolPermission(tool, permission ?? {});
    }
    return manifest;
  }

  /** Loads a `.json`, `.yaml` or `.yml` manifest file. */
  static async load(path: string): Promise<PermissionManifest> {
    const text = await readFile(path, 'utf8');
    return PermissionManifest.parse(text, /\.ya?ml$/i.test(extname(path)) ? 'yaml' : 'json');
  }

  /** A manifest from JSON or YAML text. */
  static parse(text: string, format: 'json' | 'yaml'): PermissionManifest {
    return PermissionManifest.fromJSON(format === 'yaml' ? yaml().parse(text) : JSON.parse(text));
  }
}

/** The YAML parser loads with the first YAML manifest. */
function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml');
}

function requireString(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
}
