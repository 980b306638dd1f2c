import 'reflect-metadata';
import type { Icon, ToolAnnotations, ToolExecution } from '@modelcontextprotocol/sdk/types.js';
import { assertMethod } from './decorator-target';
import { TOOL_METADATA } from './metadata-keys';

/** A JSON Schema object for tool input (`type: 'object'`). */
export interface JsonObjectSchema {
  /** Always `'object'`: tool arguments are an object. */
  type: 'object';
  /** The schema of each property. */
  properties?: Record<string, object>;
  /** The properties that must be present. */
  required?: string[];
  [key: string]: unknown;
}

/** A class whose instances are validated with class-validator decorators. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DtoClass = new (...args: any[]) => object;

/** Options of `@Tool(options)` and `mcp.tool()`. */
export interface ToolOptions {
  /** Defaults to the method name. */
  name?: string;
  /** A display name. */
  title?: string;
  /** What the tool does, for the model. */
  description?: string;
  /**
   * The input: a class-validator DTO class, or a plain JSON Schema object (arguments then reach
   * the handler as sent). Defaults to the first parameter's design type when that is a class.
   * Without decorator metadata (tsx, esbuild) a method that takes a parameter must name it here,
   * or `register()` throws a `StartupError`.
   */
  input?: DtoClass | JsonObjectSchema;
  /** JSON Schema of `structuredContent`, advertised as `outputSchema`. */
  outputSchema?: JsonObjectSchema;
  /** MCP tool annotations (`readOnlyHint`, `destructiveHint`, …). */
  annotations?: ToolAnnotations;
  /** Icons a client may show for the tool (`src` is a URL or a `data:` URI). */
  icons?: Icon[];
  /**
   * How the tool may be run, e.g. `{ taskSupport: 'forbidden' }`. Sent as is; NextMCP declares no
   * `tasks` capability, so clients call every tool as a plain request.
   */
  execution?: ToolExecution;
  /** `_meta` sent in `tools/list`. */
  _meta?: Record<string, unknown>;
}

/**
 * Registers a method as an MCP tool. The handler receives `(input, ctx: ToolContext)` and returns a
 * `CallToolResult`, a string (text content) or an object (JSON text plus `structuredContent`).
 *
 * @example
 * class GetUserInput { @IsString() user_id!: string }
 * class UserTools {
 *   @Tool({ description: 'Get user data' })
 *   getUserData(input: GetUserInput, ctx: ToolContext) { return { user_id: input.user_id }; }
 * }
 */
export function Tool(options: ToolOptions = {}): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    assertMethod('Tool', target, propertyKey, descriptor);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new TypeError(`@Tool() name must be a non-empty string`);
    }
    Reflect.defineMetadata(TOOL_METADATA, { ...options }, target, propertyKey);
  };
}
