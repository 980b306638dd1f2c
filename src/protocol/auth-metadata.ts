import { AuthFlowType } from './auth-flow-type';
import { AuthRequirement } from './auth-requirement';

/** A provider as `AuthMetadata` describes it. */
export interface AuthProviderMetadata {
  /** The provider's name. */
  name: string;
  /** `oauth2`, `jwt`, `api-key`, … */
  type: string;
  /** How a client can obtain credentials. */
  flows: AuthFlowType[];
  /** Where users authorize (OAuth). */
  authorizationUrl?: string;
  /** The token endpoint (OAuth). */
  tokenUrl?: string;
  /** Scopes it can grant. */
  scopes?: string[];
  /** Whether its tokens can be refreshed. */
  supportsRefresh?: boolean;
  /** Whether it does PKCE. */
  supportsPkce?: boolean;
}

/** Options of `new AuthMetadata()`; every field has an empty or `false` default. */
export interface AuthMetadataInit {
  /** Whether calls need authentication; default `none`. */
  requirement?: AuthRequirement;
  /** Whether each caller acts as themselves (not one shared identity). */
  supportsMultiUser?: boolean;
  /** Whether the server refreshes provider tokens. */
  tokenRefreshEnabled?: boolean;
  /** How sessions are kept, e.g. `server-side`. */
  sessionManagement?: string;
  /** The providers a client can authenticate with. */
  providers?: AuthProviderMetadata[];
  /** Scopes every call needs. */
  requiredScopes?: string[];
  /** Scopes some calls need. */
  optionalScopes?: string[];
  /** Permissions the server checks. */
  permissions?: string[];
  /** Roles the server checks. */
  roles?: string[];
}

/** The seed's snake_case wire shape. */
export interface AuthMetadataJSON {
  /** `required`, `optional` or `none`. */
  requirement: AuthRequirement;
  /** The providers, in wire spelling. */
  providers: {
    /** The provider's name. */
    name: string;
    /** `oauth2`, `jwt`, `api-key`, … */
    type: string;
    /** How a client can obtain credentials. */
    flows: string[];
    /** Where users authorize (OAuth). */
    authorization_url?: string;
    /** The token endpoint (OAuth). */
    token_url?: string;
    /** Scopes it can grant. */
    scopes: string[];
    /** Whether its tokens can be refreshed. */
    supports_refresh: boolean;
    /** Whether it does PKCE. */
    supports_pkce: boolean;
  }[];
  /** Scopes every call needs. */
  required_scopes: string[];
  /** Scopes some calls need. */
  optional_scopes: string[];
  /** Permissions the server checks. */
  permissions: string[];
  /** Roles the server checks. */
  roles: string[];
  /** Whether each caller acts as themselves. */
  supports_multi_user: boolean;
  /** Whether the server refreshes provider tokens. */
  token_refresh_enabled: boolean;
  /** How sessions are kept. */
  session_management?: string;
}

const FLOWS = new Set<string>(Object.values(AuthFlowType));
const REQUIREMENTS = new Set<string>(Object.values(AuthRequirement));

/**
 * What a server tells clients about its authentication: requirement, providers and their flows,
 * scopes, permissions and roles. `mcp.authMetadata()` builds it from what is installed.
 *
 * @example
 * const metadata = new AuthMetadata({ requirement: AuthRequirement.REQUIRED, supportsMultiUser: true });
 * metadata.addProvider({ name: 'google', type: 'oauth2', flows: [AuthFlowType.OAUTH2_PKCE], scopes: ['openid'] });
 * metadata.toJSON(); // { requirement: 'required', providers: [{ name: 'google', … }], … }
 */
export class AuthMetadata {
  /** Whether calls need authentication. */
  requirement: AuthRequirement;
  /** Whether each caller acts as themselves. */
  supportsMultiUser: boolean;
  /** Whether the server refreshes provider tokens. */
  tokenRefreshEnabled: boolean;
  /** How sessions are kept, e.g. `server-side`. */
  sessionManagement?: string;
  /** The providers a client can authenticate with. */
  readonly providers: AuthProviderMetadata[] = [];
  /** Scopes every call needs. */
  readonly requiredScopes: string[] = [];
  /** Scopes some calls need. */
  readonly optionalScopes: string[] = [];
  /** Permissions the server checks. */
  readonly permissions: string[] = [];
  /** Roles the server checks. */
  readonly roles: string[] = [];

  constructor(init: AuthMetadataInit = {}) {
    this.requirement = init.requirement ?? AuthRequirement.NONE;
    this.supportsMultiUser = init.supportsMultiUser ?? false;
    this.tokenRefreshEnabled = init.tokenRefreshEnabled ?? false;
    this.sessionManagement = init.sessionManagement;
    for (const p of init.providers ?? []) this.addProvider(p);
    for (const s of init.requiredScopes ?? []) this.addRequiredScope(s);
    for (const s of init.optionalScopes ?? []) this.addOptionalScope(s);
    for (const p of init.permissions ?? []) this.addPermission(p);
    for (const r of init.roles ?? []) this.addRole(r);
  }

  /** Adds a provider, replacing one of the same name. */
  addProvider(provider: AuthProviderMetadata): this {
    const existing = this.providers.findIndex((p) => p.name === provider.name);
    if (existing >= 0) this.providers.splice(existing, 1, { ...provider });
    else this.providers.push({ ...provider });
    return this;
  }

  /** Adds a scope every call needs (once). */
  addRequiredScope(scope: string): this {
    addUnique(this.requiredScopes, scope);
    return this;
  }

  /** Adds a scope some calls need (once). */
  addOptionalScope(scope: string): this {
    addUnique(this.optionalScopes, scope);
    return this;
  }

  /** Adds a permission the server checks (once). */
  addPermission(permission: string): this {
    addUnique(this.permissions, permission);
    return this;
  }

  /** Adds a role the server checks (once). */
  addRole(role: string): this {
    addUnique(this.roles, role);
    return this;
  }

  /** Problems with the metadata (empty when valid). */
  validate(): {
    /** Whether there are no problems. */
    valid: boolean;
    /** Each problem, in words. */
    errors: string[];
  } {
    const errors: string[] = [];
    if (!REQUIREMENTS.has(this.requirement)) errors.push(`unknown requirement "${this.requirement}"`);
    if (this.requirement === AuthRequirement.REQUIRED && this.providers.length === 0) {
      errors.push('authentication is required but no provider is listed');
    }
    const names = new Set<string>();
    for (const p of this.providers) {
      if (!p.name) errors.push('a provider has no name');
      if (names.has(p.name)) errors.push(`provider "${p.name}" is listed twice`);
      names.add(p.name);
      if (!p.flows || p.flows.length === 0) errors.push(`provider "${p.name}" lists no flows`);
      for (const flow of p.flows ?? []) if (!FLOWS.has(flow)) errors.push(`provider "${p.name}": unknown flow "${flow}"`);
      if (p.flows?.includes(AuthFlowType.OAUTH2_PKCE) && (!p.authorizationUrl || !p.tokenUrl)) {
        errors.push(`provider "${p.name}": the oauth2-pkce flow needs authorizationUrl and tokenUrl`);
      }
      for (const url of [p.authorizationUrl, p.tokenUrl]) if (url !== undefined && !URL.canParse(url)) errors.push(`provider "${p.name}": "${url}" is not a URL`);
    }
    const both = this.requiredScopes.filter((s) => this.optionalScopes.includes(s));
    if (both.length > 0) errors.push(`scopes both required and optional: ${both.join(', ')}`);
    return { valid: errors.length === 0, errors };
  }

  /** The seed's snake_case wire shape. */
  toJSON(): AuthMetadataJSON {
    return {
      requirement: this.requirement,
      providers: this.providers.map((p) => ({
        name: p.name,
        type: p.type,
        flows: [...p.flows],
        ...(p.authorizationUrl && { authorization_url: p.authorizationUrl }),
        ...(p.tokenUrl && { token_url: p.tokenUrl }),
        scopes: [...(p.scopes ?? [])],
        supports_refresh: p.supportsRefresh ?? false,
        supports_pkce: p.supportsPkce ?? false,
      })),
      required_scopes: [...this.requiredScopes],
      optional_scopes: [...this.optionalScopes],
      permissions: [...this.permissions],
      roles: [...this.roles],
      supports_multi_user: this.supportsMultiUser,
      token_refresh_enabled: this.tokenRefreshEnabled,
      ...(this.sessionManagement && { session_management: this.sessionManagement }),
    };
  }

  /** Metadata from its wire shape (checked; `validate()` says what is wrong with it). */
  static fromJSON(json: AuthMetadataJSON): AuthMetadata {
    if (typeof json !== 'object' || json === null) throw new TypeError('auth metadata must be an object');
    return new AuthMetadata({
      requirement: json.requirement,
      supportsMultiUser: json.supports_multi_user,
      tokenRefreshEnabled: json.token_refresh_enabled,
      sessionManagement: json.session_management,
      providers: (json.providers ?? []).map((p) => ({
        name: p.name,
        type: p.type,
        flows: p.flows as AuthFlowType[],
        authorizationUrl: p.authorization_url,
        tokenUrl: p.token_url,
        scopes: p.scopes,
        supportsRefresh: p.supports_refresh,
        supportsPkce: p.supports_pkce,
      })),
      requiredScopes: json.required_scopes,
      optionalScopes: json.optional_scopes,
      permissions: json.permissions,
      roles: json.roles,
    });
  }
}

function addUnique(list: string[], value: string): void {
  if (typeof value !== 'string' || value === '') throw new TypeError('expected a non-empty string');
  if (!list.includes(value)) list.push(value);
}
