import type { Icon, ToolAnnotations, ToolExecution } from '@modelcontextprotocol/sdk/types.js';
import type { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { AccessPolicy } from './access-policy';
import type { DtoClass, JsonObjectSchema } from '../decorators/tool.decorator';
import type { PromptArgumentSpec } from '../decorators/prompt.decorator';
import type { Completer } from '../decorators/completer';
import type { DependencyContainer } from 'tsyringe';

/** What a target's handler is called with besides its input: the handler's context (`ToolContext`). */
export interface TargetCallContext {
  /** Where a class target's instance is resolved. */
  readonly container: DependencyContainer;
}

/** How a target's arguments are checked before its handler runs. */
export type InputSpec =
  | {
      /** Validated against a class-validator DTO. */
      kind: 'dto';
      /** The DTO class. */
      dto: DtoClass;
    }
  | {
      /** Arguments reach the handler as sent (a plain JSON Schema, or no declared input). */
      kind: 'raw';
    };

interface TargetBase {
  /** The tool or prompt name; a resource's name. */
  readonly name: string;
  /** A display name. */
  readonly title?: string;
  /** What it does, for the model and for people. */
  readonly description?: string;
  /** Where it was declared (`UserTools.deleteUser`, `mcp.tool("ping")`), for messages. */
  readonly source: string;
  /** The policy compiled from decorators and functional wrappers. */
  readonly policy: AccessPolicy;
  /** Icons a client may show for it, sent in listings as given. */
  readonly icons?: Icon[];
  /** `_meta` sent in listings. */
  readonly _meta?: Record<string, unknown>;
}

/** A tool, as registered (from `@Tool` or `mcp.tool()`). */
export interface ToolTarget extends TargetBase {
  /** `'tool'`. */
  readonly kind: 'tool';
  /** The JSON Schema of its arguments (from the DTO, or as given). */
  readonly inputSchema: JsonObjectSchema;
  /** The JSON Schema of its structured result, when declared. */
  readonly outputSchema?: JsonObjectSchema;
  /** MCP tool annotations (`readOnlyHint`, `destructiveHint`, …). */
  readonly annotations?: ToolAnnotations;
  /** How the tool may be run (e.g. `{ taskSupport: 'forbidden' }`), sent in `tools/list` as given. */
  readonly execution?: ToolExecution;
  /** How its arguments are checked. */
  readonly input: InputSpec;
  /** Runs the handler with checked arguments. */
  invoke(args: unknown, ctx: TargetCallContext): unknown;
}

/** A resource or resource template, as registered. */
export interface ResourceTarget extends TargetBase {
  /** `'resource'`. */
  readonly kind: 'resource';
  /** The URI, or an RFC 6570 URI template. */
  readonly uri: string;
  /** Set when `uri` is an RFC 6570 template. */
  readonly template?: UriTemplate;
  /** The content's MIME type. */
  readonly mimeType?: string;
  /** Completers of the template's variables, by name. */
  readonly completers: ReadonlyMap<string, Completer>;
  /** Runs the handler for a URI, with the template's variables. */
  invoke(uri: URL, variables: Record<string, string | string[]>, ctx: TargetCallContext): unknown;
}

/** A prompt, as registered. */
export interface PromptTarget extends TargetBase {
  /** `'prompt'`. */
  readonly kind: 'prompt';
  /** The arguments it takes. */
  readonly arguments: PromptArgumentSpec[];
  /** How its arguments are checked. */
  readonly input: InputSpec;
  /** Completers of the arguments, by name. */
  readonly completers: ReadonlyMap<string, Completer>;
  /** Runs the handler with checked arguments. */
  invoke(args: unknown, ctx: TargetCallContext): unknown;
}

/** Anything a request can address: a tool, a resource or a prompt. */
export type Target = ToolTarget | ResourceTarget | PromptTarget;
