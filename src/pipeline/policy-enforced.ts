/**
 * The field of a `RequestContext` that says its call's access was decided, so it is decided once
 * and the handler's context can say so. A symbol kept out of the public exports: middleware cannot
 * set it by name.
 */
export const POLICY_ENFORCED: unique symbol = Symbol('nextmcp:policy-enforced');
