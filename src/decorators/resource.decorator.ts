import 'reflect-metadata';
import type { Icon } from '@modelcontextprotocol/sdk/types.js';
import { assertMethod } from './decorator-target';
import { RESOURCE_METADATA } from './metadata-keys';
import type { Completers } from './completer';

/** Options of `@Resource(uri, options)` and `mcp.resource()`. */
export interface ResourceOptions {
  /** Defaults to the method name. */
  name?: string;
  /** A display name. */
  title?: string;
  /** What the resource holds. */
  description?: string;
  /** The content's MIME type. */
  mimeType?: string;
  /** Icons a client may show for the resource. */
  icons?: Icon[];
  /**
   * Completers by template variable name, for `completion/complete` (a URI template's resources
   * only). A caller who may not read the resource gets its refusal, not completions.
   */
  complete?: Completers;
  /** `_meta` sent in `resources/list`. */
  _meta?: Record<string, unknown>;
}

/** What `@Resource` records on a method. */
export interface ResourceMetadata extends ResourceOptions {
  /** The URI or RFC 6570 URI template. */
  uri: string;
}

/**
 * Registers a method as an MCP resource. `uri` is a fixed URI or an RFC 6570 template
 * (`users://{id}/profile`); the handler receives `(uri: URL, variables, ctx)` and returns a
 * `ReadResourceResult`, a string (text) or an object (JSON text).
 *
 * @example
 * @Resource('users://{id}/profile', { mimeType: 'application/json', complete: { id: (value) => userIds.filter((id) => id.startsWith(value)) } })
 * profile(uri: URL, { id }: { id: string }) { return { id }; }
 */
export function Resource(uri: string, options: ResourceOptions = {}): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    assertMethod('Resource', target, propertyKey, descriptor);
    if (typeof uri !== 'string' || uri === '') throw new TypeError('@Resource() needs a URI or URI template');
    const metadata: ResourceMetadata = { ...options, uri };
    Reflect.defineMetadata(RESOURCE_METADATA, metadata, target, propertyKey);
  };
}
