import * as root from '../../src';
import * as auth from '../../src/auth';
import * as session from '../../src/session';
import * as protocol from '../../src/protocol';
import * as testing from '../../src/testing';

/*
 * The public API is a decision, not whatever happens to be exported: each entry point exports
 * exactly these runtime names (DESIGN §4–§8, plus what a user needs to write a provider, a store
 * or middleware). Adding or removing one is a change to the API and must be made here on purpose.
 */

const AUTH = [
    'AuthorizationStoreError', 'MemoryAuthorizationStore', 'RedisAuthorizationStore',
    'ApiKeyProvider', 'AuthContext', 'AuthEnforcementMiddleware', 'AuthErrorCode', 'AuthenticationError',
    'AuthorizationError', 'GitHubOAuthProvider', 'GoogleOAuthProvider', 'JwtProvider',
    'ManifestViolationError', 'MemoryOAuthStateStore', 'NextMCPAuthError', 'OAuthCallbackError',
    'OAuthLoginFlow', 'OAuthProvider', 'OAuthProviderError', 'OAuthRequiredError', 'OAuthStateError',
    'PermissionManifest', 'Public', 'RBAC', 'RedirectNotAllowedError', 'RedisOAuthStateStore',
    'RequiresAuth', 'RequiresPermission', 'RequiresRole', 'RequiresScope', 'ScopeInsufficientError',
    'StateCollisionError', 'createAuthMiddleware', 'createOAuthRoutes', 'isAuthError', 'publicAccess',
    'requiresAuth', 'requiresPermission', 'requiresRole', 'requiresScope',
];
const SESSION = [
    'AmbiguousSessionError', 'CorruptSessionError', 'FileSessionStore', 'MemorySessionStore',
    'RedisSessionStore', 'SessionData', 'SessionDecryptionError', 'SessionNotFoundError',
    'SessionStoreError', 'SessionStoreUnavailableError',
];
const PROTOCOL = ['AUTH_META_KEY', 'AuthFlowType', 'AuthMetadata', 'AuthRequirement'];
const TESTING = ['connectTestClient', 'withCredentials'];
/** Names only the root exports (the server, decorators, DI tokens, request types). */
const ROOT_ONLY = [
    'AUTHORIZATION_STORE',
    'ClientCapabilityError', 'ClientRequestCancelledError', 'ClientRequestUnavailableError', 'MemoryEventStore',
    'AUTH_CONTEXT', 'AUTH_PROVIDER', 'JSONSchema', 'NextMCP', 'PERMISSION_MANIFEST', 'Prompt',
    'RequestContext', 'Resource', 'SESSION_STORE', 'StartupError', 'Tool',
];

describe('public API', () => {
  it.each([
    ['nextmcp/auth', auth, AUTH],
    ['nextmcp/session', session, SESSION],
    ['nextmcp/protocol', protocol, PROTOCOL],
    ['nextmcp/testing', testing, TESTING],
  ])('%s exports exactly its documented names', (_entry, module, names) => {
    expect(Object.keys(module).sort()).toEqual([...names].sort());
  });

  it('nextmcp exports its own names and every subpath\'s, nothing else', () => {
    const expected = new Set([...ROOT_ONLY, ...AUTH, ...SESSION, ...PROTOCOL, ...TESTING]);
    expect(Object.keys(root).sort()).toEqual([...expected].sort());
  });
});
