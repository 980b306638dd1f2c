import type { RequestContext } from './request-context';

/**
 * One stage of the request pipeline. Call `next()` to continue (and get the result to inspect or
 * replace), return without calling it to short-circuit, or throw (a typed auth error becomes a
 * JSON-RPC error).
 *
 * @example
 * mcp.use(async (ctx, next) => {
 *   const started = Date.now();
 *   try { return await next(); } finally { log(ctx.method, Date.now() - started); }
 * });
 */
export type Middleware = (ctx: RequestContext, next: () => Promise<unknown>) => Promise<unknown>;

/** A middleware object, e.g. `AuthEnforcementMiddleware`, that may also configure the server. */
export interface MiddlewareObject {
  /** Runs for every request, like a `Middleware` function. */
  handle: Middleware;
  /** Called once by `mcp.use()`, so the middleware can take part in HTTP auth, listings, etc. */
  onInstall?(server: unknown): void;
}

/** What `mcp.use()` takes: a middleware function or object. */
export type MiddlewareLike = Middleware | MiddlewareObject;

export function toMiddleware(middleware: MiddlewareLike): Middleware {
  if (typeof middleware === 'function') return middleware;
  if (middleware && typeof middleware.handle === 'function') return middleware.handle.bind(middleware);
  throw new TypeError('use() takes a (ctx, next) => Promise function or an object with handle(ctx, next)');
}

/**
 * Composes middleware into one function that runs them in order around `terminal`.
 * Calling `next()` twice from one middleware is a bug and throws.
 */
export function compose(
  middlewares: readonly Middleware[],
): (ctx: RequestContext, terminal: (ctx: RequestContext) => Promise<unknown>) => Promise<unknown> {
  const stack = [...middlewares];
  if (stack.length === 0) return (ctx, terminal) => terminal(ctx);
  return (ctx, terminal) => {
    let last = -1;
    const dispatch = (index: number): Promise<unknown> => {
      if (index <= last) return Promise.reject(new Error('next() called more than once'));
      last = index;
      if (index === stack.length) return terminal(ctx);
      try {
        return Promise.resolve(stack[index](ctx, () => dispatch(index + 1)));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  };
}
