export { AuthContext, type AuthContextInit } from './auth-context';
export type { FrozenSet } from './frozen-set';
export * from './errors';
export type { AuthProvider, AuthResult, Credentials, ProviderDescription, TokenResponse, RefreshingAuthProvider } from './provider';

// Auth events (`mcp.on()`).
export type {
  AuthEventMap,
  AuthEventName,
  AuthEventListener,
  AuthAllowedEvent,
  AuthDeniedEvent,
  EventCaller,
  SessionEvent,
  SessionRefreshFailedEvent,
  SessionRefreshFailure,
  GrantEvent,
} from './events/auth-event-map';

// Providers.
export { JwtProvider } from './providers/jwt-provider';
export type { JwtProviderOptions, JwtProviderBaseOptions, CreateTokenOptions } from './providers/jwt-provider';
export type { JwtKeyMaterial, JwtClaims, PublicJsonWebKey } from './providers/jwt-types';
export { ApiKeyProvider } from './providers/api-key-provider';
export type { ApiKeyEntry, ApiKeyValidator, ApiKeyProviderOptions } from './providers/api-key-provider';
export * from './providers/github-oauth-provider';
export * from './providers/google-oauth-provider';
export * from './oauth';

// Enforcement: middleware, decorators and their functional forms, manifests, RBAC.
export { AuthEnforcementMiddleware, createAuthMiddleware } from './auth-middleware';
export type { AuthMiddlewareOptions, ProviderOption } from './auth-middleware-options';
export * from './manifest';
export * from './rbac';
export { requiresAuth, requiresScope, requiresRole, requiresPermission, publicAccess } from '../decorators/functional';
export { RequiresAuth } from '../decorators/requires-auth.decorator';
export { RequiresScope } from '../decorators/requires-scope.decorator';
export { RequiresRole } from '../decorators/requires-role.decorator';
export { RequiresPermission } from '../decorators/requires-permission.decorator';
export { Public } from '../decorators/public.decorator';

// Authorization server for stock MCP clients (DESIGN §7).
export type { AuthorizationServer } from './authorization-server/authorization-server';
export type { AuthorizationServerOptions, PreRegisteredClient } from './authorization-server/authorization-server-options';
export type { ConsentContext } from './authorization-server/consent-page';
export { AuthorizationStoreError, type AuthorizationStore, type AuthorizationStoreSetOptions, type AuthorizationStoreErrorCode } from './authorization-server/authorization-store';
export { MemoryAuthorizationStore, type MemoryAuthorizationStoreOptions } from './authorization-server/memory-authorization-store';
export { RedisAuthorizationStore, type RedisAuthorizationStoreOptions } from './authorization-server/redis-authorization-store';
