import { JsonRpcError } from '../pipeline/json-rpc-error';

/**
 * Typed auth errors. Each carries a JSON-RPC `code` and `data` exactly as DESIGN §4 fixes them, so
 * the same object becomes the JSON-RPC error on stdio and the body of a 401/403 over HTTP.
 * Messages are written by us, never built from a token or from provider response bodies.
 */
export const AuthErrorCode = {
  /** Authentication required, or the credentials are invalid or expired. */
  AUTHENTICATION_REQUIRED: -31001,
  /** Authenticated, but not allowed (scopes, roles, permissions, manifest). */
  FORBIDDEN: -31003,
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export type AuthenticationFailure =
  | 'authentication_required'
  | 'invalid_token'
  | 'token_expired'
  | 'provider_unavailable';

export type AuthorizationFailure = 'insufficient_scope' | 'forbidden';

export interface AuthenticationErrorData {
  error: AuthenticationFailure;
  providers: string[];
  required_scopes: string[];
  authorization_url?: string;
}

export interface AuthorizationErrorData {
  error: AuthorizationFailure;
  tool: string | null;
  required_scopes: string[];
  missing_scopes: string[];
  required_roles: string[];
  required_permissions: string[];
}

/** Base of every auth error: a JSON-RPC error code, its data, and the HTTP status it maps to. */
export abstract class NextMCPAuthError extends JsonRpcError {
  declare readonly code: AuthErrorCode;
  declare readonly data: AuthenticationErrorData | AuthorizationErrorData;
  abstract readonly httpStatus: number;

  /** The JSON-RPC error object (`{ code, message, data }`). */
  toJSONRPC(): { code: number; message: string; data: AuthenticationErrorData | AuthorizationErrorData } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export interface AuthenticationErrorOptions {
  reason?: AuthenticationFailure;
  providers?: string[];
  requiredScopes?: readonly string[];
  authorizationUrl?: string;
  cause?: unknown;
}

/** -31001: no credentials, or credentials that are invalid, expired or could not be checked. */
export class AuthenticationError extends NextMCPAuthError {
  declare readonly data: AuthenticationErrorData;
  readonly httpStatus: number;

  constructor(message = 'Authentication required', options: AuthenticationErrorOptions = {}) {
    const reason = options.reason ?? 'authentication_required';
    super(AuthErrorCode.AUTHENTICATION_REQUIRED, message, {
      error: reason,
      providers: options.providers ?? [],
      required_scopes: [...(options.requiredScopes ?? [])],
      ...(options.authorizationUrl ? { authorization_url: options.authorizationUrl } : {}),
    } satisfies AuthenticationErrorData);
    if (options.cause !== undefined) this.cause = options.cause;
    this.name = 'AuthenticationError';
    this.httpStatus = reason === 'provider_unavailable' ? 503 : 401;
  }

  get reason(): AuthenticationFailure {
    return this.data.error;
  }
}

/** -31001 with the URL where the user can (re-)authorize, e.g. after a failed refresh. */
export class OAuthRequiredError extends AuthenticationError {
  constructor(message: string, options: AuthenticationErrorOptions & { authorizationUrl: string }) {
    super(message, options);
    this.name = 'OAuthRequiredError';
  }
}

export interface AuthorizationErrorOptions {
  reason?: AuthorizationFailure;
  tool?: string | null;
  requiredScopes?: readonly string[];
  missingScopes?: string[];
  requiredRoles?: string[];
  requiredPermissions?: string[];
}

/** -31003: the caller is known but not allowed. */
export class AuthorizationError extends NextMCPAuthError {
  declare readonly data: AuthorizationErrorData;
  readonly httpStatus = 403;

  constructor(message = 'Forbidden', options: AuthorizationErrorOptions = {}) {
    super(AuthErrorCode.FORBIDDEN, message, {
      error: options.reason ?? 'forbidden',
      tool: options.tool ?? null,
      required_scopes: [...(options.requiredScopes ?? [])],
      missing_scopes: options.missingScopes ?? [],
      required_roles: options.requiredRoles ?? [],
      required_permissions: options.requiredPermissions ?? [],
    } satisfies AuthorizationErrorData);
    this.name = 'AuthorizationError';
  }

  get reason(): AuthorizationFailure {
    return this.data.error;
  }
}

/** -31003 `insufficient_scope`: names exactly the scopes that are missing. */
export class ScopeInsufficientError extends AuthorizationError {
  constructor(message: string, options: Omit<AuthorizationErrorOptions, 'reason'>) {
    super(message, { ...options, reason: 'insufficient_scope' });
    this.name = 'ScopeInsufficientError';
  }
}

/** -31003 `forbidden` raised by a permission-manifest rule. */
export class ManifestViolationError extends AuthorizationError {
  constructor(message: string, options: Omit<AuthorizationErrorOptions, 'reason'>) {
    super(message, { ...options, reason: 'forbidden' });
    this.name = 'ManifestViolationError';
  }
}

export function isAuthError(error: unknown): error is NextMCPAuthError {
  return error instanceof NextMCPAuthError;
}
