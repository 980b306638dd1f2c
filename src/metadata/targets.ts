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
  | { kind: 'dto'; dto: DtoClass }
  /** Arguments reach the handler as sent (a plain JSON Schema, or no declared input). */
  | { kind: 'raw' };

interface TargetBase {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** Where it was declared (`UserTools.deleteUser`, `mcp.tool("ping")`), for messages. */
  readonly source: string;
  /** The policy compiled from decorators and functional wrappers. */
  readonly policy: AccessPolicy;
  readonly icons?: Icon[];
  readonly _meta?: Record<string, unknown>;
}

export interface ToolTarget extends TargetBase {
  readonly kind: 'tool';
  readonly inputSchema: JsonObjectSchema;
  readonly outputSchema?: JsonObjectSchema;
  readonly annotations?: ToolAnnotations;
  readonly execution?: ToolExecution;
  readonly input: InputSpec;
  invoke(args: unknown, ctx: TargetCallContext): unknown;
}

export interface ResourceTarget extends TargetBase {
  readonly kind: 'resource';
  readonly uri: string;
  /** Set when `uri` is an RFC 6570 template. */
  readonly template?: UriTemplate;
  readonly mimeType?: string;
  /** Completers of the template's variables, by name. */
  readonly completers: ReadonlyMap<string, Completer>;
  invoke(uri: URL, variables: Record<string, string | string[]>, ctx: TargetCallContext): unknown;
}

export interface PromptTarget extends TargetBase {
  readonly kind: 'prompt';
  readonly arguments: PromptArgumentSpec[];
  readonly input: InputSpec;
  /** Completers of the arguments, by name. */
  readonly completers: ReadonlyMap<string, Completer>;
  invoke(args: unknown, ctx: TargetCallContext): unknown;
}

export type Target = ToolTarget | ResourceTarget | PromptTarget;
