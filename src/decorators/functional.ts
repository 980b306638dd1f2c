import 'reflect-metadata';
import { ACCESS_METADATA } from './metadata-keys';
import { assertNames } from './decorator-target';
import type { AccessRule, ProviderRef } from '../metadata/access-policy';
import { isEnforcedContext } from '../pipeline/tool-context';
import { AuthenticationError } from '../auth/errors';
import type { HandlerFn as Handler } from '../metadata/scanner';

/**
 * Wraps a handler with an access rule, for `mcp.tool(name, opts, handler)`. The rule is compiled by
 * the scanner exactly like the matching decorator. The wrapper also refuses to run unless NextMCP's
 * pipeline enforced its policy for this call, so a wrapped handler passed to anything else fails
 * closed instead of running unprotected.
 */
function withRule(rule: AccessRule): <H extends Handler>(handler: H) => H {
  return <H extends Handler>(handler: H): H => {
    if (typeof handler !== 'function') throw new TypeError('expected a handler function');
    const wrapped = function (this: unknown, ...args: unknown[]) {
      if (!isEnforcedContext(args[1])) {
        throw new AuthenticationError('This handler requires NextMCP auth enforcement');
      }
      return handler.apply(this, args);
    } as H;
    const inner: AccessRule[] = Reflect.getOwnMetadata(ACCESS_METADATA, handler) ?? [];
    Reflect.defineMetadata(ACCESS_METADATA, [rule, ...inner], wrapped);
    Object.defineProperty(wrapped, 'name', { value: handler.name });
    return wrapped;
  };
}

/** Functional `@Public()`: exempt from a global REQUIRED middleware. */
export function publicAccess() {
  return withRule({ kind: 'public' });
}

/** Functional `@RequiresAuth(provider?)`. @example mcp.tool('me', {}, requiresAuth(github)(handler)) */
export function requiresAuth(provider?: ProviderRef) {
  return withRule({ kind: 'auth', provider });
}

/** Functional `@RequiresScope(...)`: ALL scopes. */
export function requiresScope(...scopes: string[]) {
  return withRule({ kind: 'scopes', scopes: assertNames('requiresScope', scopes) });
}

/** Functional `@RequiresRole(...)`: ANY role. */
export function requiresRole(...roles: string[]) {
  return withRule({ kind: 'roles', anyOf: assertNames('requiresRole', roles) });
}

/** Functional `@RequiresPermission(...)`: ANY permission, wildcards honoured. */
export function requiresPermission(...permissions: string[]) {
  return withRule({ kind: 'permissions', anyOf: assertNames('requiresPermission', permissions) });
}
