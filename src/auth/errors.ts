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

/** `data.error` of a -31001 refusal: why the caller must (re-)authenticate. */
export type AuthenticationFailure =
  | 'authentication_required'
  | 'invalid_token'
  | 'token_expired'
  | 'provider_unavailable';

/** `data.error` of a -31003 refusal: scopes missing, or a role, permission or manifest rule. */
export type AuthorizationFailure = 'insufficient_scope' | 'forbidden';

/** `data` of a -31001 error, as every transport sends it. */
export interface AuthenticationErrorData {
  /** Why: no credentials, an invalid or expired token, or a provider that could not be reached. */
  error: AuthenticationFailure;
  /** The providers that could authenticate the caller. */
  providers: string[];
  /** Every scope the request needs. */
  required_scopes: string[];
  /** Where the user can (re-)authorize, when it is known (e.g. after a failed refresh). */
  authorization_url?: string;
}

/** `data` of a -31003 error, as every transport sends it. */
export interface AuthorizationErrorData {
  /** `insufficient_scope` when scopes are missing, else `forbidden`. */
  error: AuthorizationFailure;
  /** The tool (or resource, prompt) refused; `null` for a call naming no known target. */
  tool: string | null;
  /** Every scope the call needs (ALL of them). */
  required_scopes: string[];
  /** The required scopes the caller lacks. */
  missing_scopes: string[];
  /** Roles of which the call needs one. */
  required_roles: string[];
  /** Permissions of which the call needs one. */
  required_permissions: string[];
}

/** Base of every auth error: a JSON-RPC error code, its data, and the HTTP status it maps to. */
export abstract class NextMCPAuthError extends JsonRpcError {
  /** The JSON-RPC error code: -31001 or -31003. */
  declare readonly code: AuthErrorCode;
  /** The details every transport sends as the error's `data`. */
  declare readonly data: AuthenticationErrorData | AuthorizationErrorData;
  /** The status of the refusal over HTTP (401, 403 or 503). */
  abstract readonly httpStatus: number;

  /** The JSON-RPC error object (`{ code, message, data }`). */
  toJSONRPC(): {
    /** -31001 or -31003. */
    code: number;
    /** Written by the package; never holds a token. */
    message: string;
    /** The machine-readable details. */
    data: AuthenticationErrorData | AuthorizationErrorData;
  } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** Options of `new AuthenticationError(message, options)`. */
export interface AuthenticationErrorOptions {
  /** `data.error`; default `authentication_required`. */
  reason?: AuthenticationFailure;
  /** `data.providers`. */
  providers?: string[];
  /** `data.required_scopes`. */
  requiredScopes?: readonly string[];
  /** `data.authorization_url`. */
  authorizationUrl?: string;
  /** The underlying error, kept as `cause` (never sent to the client). */
  cause?: unknown;
}

/** -31001: no credentials, or credentials that are invalid, expired or could not be checked. */
export class AuthenticationError extends NextMCPAuthError {
  /** The details sent as the error's `data`. */
  declare readonly data: AuthenticationErrorData;
  /** 401, or 503 for `provider_unavailable`. */
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

  /** `data.error`. */
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

/** Options of `new AuthorizationError(message, options)`. */
export interface AuthorizationErrorOptions {
  /** `data.error`; default `forbidden`. */
  reason?: AuthorizationFailure;
  /** `data.tool`. */
  tool?: string | null;
  /** `data.required_scopes`. */
  requiredScopes?: readonly string[];
  /** `data.missing_scopes`. */
  missingScopes?: string[];
  /** `data.required_roles`. */
  requiredRoles?: string[];
  /** `data.required_permissions`. */
  requiredPermissions?: string[];
}

/** -31003: the caller is known but not allowed. */
export class AuthorizationError extends NextMCPAuthError {
  /** The details sent as the error's `data`. */
  declare readonly data: AuthorizationErrorData;
  /** Always 403. */
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

  /** `data.error`. */
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

/**
 * Whether `error` is one of the package's auth refusals (-31001 or -31003).
 *
 * @example
 * try { await next(); } catch (error) { if (isAuthError(error)) metrics.refusals.inc({ code: error.code }); throw error; }
 */
export function isAuthError(error: unknown): error is NextMCPAuthError {
  return error instanceof NextMCPAuthError;
}
