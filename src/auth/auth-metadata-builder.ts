import { AuthMetadata, type AuthProviderMetadata } from '../protocol/auth-metadata';
import { AuthFlowType } from '../protocol/auth-flow-type';
import { AuthRequirement } from '../protocol/auth-requirement';
import { flatten } from '../metadata/access-policy';
import type { TargetRegistry } from '../server/target-registry';
import type { ServerAuth } from './server-auth';
import { isRefreshingProvider, type AuthProvider } from './provider';

const RANK: Record<AuthRequirement, number> = { none: 0, optional: 1, required: 2 };

/**
 * `mcp.authMetadata()`: what the server's installed auth amounts to — the strongest middleware
 * requirement (or OPTIONAL when only decorators require auth), every provider with its flows and
 * URLs, the middleware's required scopes, every other scope, role and permission a target names.
 */
export function buildAuthMetadata(runtime: ServerAuth, registry: TargetRegistry): AuthMetadata {
  const requirement = runtime.middlewares.reduce<AuthRequirement>(
    (strongest, m) => (RANK[m.requirement] > RANK[strongest] ? m.requirement : strongest),
    registry.all().some((t) => runtime.accessOf(t).requiresAuth) ? AuthRequirement.OPTIONAL : AuthRequirement.NONE,
  );
  const providers = runtime.providers.all();
  const metadata = new AuthMetadata({
    requirement,
    supportsMultiUser: true,
    tokenRefreshEnabled: runtime.middlewares.some((m) => m.autoRefreshTokens) && providers.some(isRefreshingProvider),
    sessionManagement: runtime.sessionStores()[0]?.constructor.name,
  });
  for (const provider of providers) metadata.addProvider(describe(provider));
  for (const scope of runtime.requiredMiddleware?.requiredScopes ?? []) metadata.addRequiredScope(scope);
  for (const scope of runtime.knownScopes()) if (!metadata.requiredScopes.includes(scope)) metadata.addOptionalScope(scope);
  for (const target of registry.all()) {
    const { policies } = runtime.accessOf(target);
    for (const role of flatten(policies.flatMap((p) => p.roleSets))) metadata.addRole(role);
    for (const permission of flatten(policies.flatMap((p) => p.permissionSets))) metadata.addPermission(permission);
  }
  for (const middleware of runtime.middlewares) {
    for (const role of middleware.rbac?.roles.keys() ?? []) metadata.addRole(role);
    for (const permission of middleware.rbac?.permissions.keys() ?? []) metadata.addPermission(permission);
  }
  return metadata;
}

function describe(provider: AuthProvider): AuthProviderMetadata {
  const d = provider.describe?.();
  const flows = (d?.flows ?? [provider.credentialKind === 'api_key' ? AuthFlowType.API_KEY : AuthFlowType.CUSTOM]) as AuthFlowType[];
  return {
    name: provider.name,
    type: d?.type ?? (provider.credentialKind === 'api_key' ? 'api-key' : 'custom'),
    flows,
    ...(d?.authorizationUrl && { authorizationUrl: d.authorizationUrl }),
    ...(d?.tokenUrl && { tokenUrl: d.tokenUrl }),
    scopes: d?.scopes ?? [],
    supportsRefresh: d?.supportsRefresh ?? isRefreshingProvider(provider),
    supportsPkce: d?.supportsPkce ?? false,
  };
}
