import 'reflect-metadata';
import type { Icon } from '@modelcontextprotocol/sdk/types.js';
import { assertMethod } from './decorator-target';
import { PROMPT_METADATA } from './metadata-keys';
import type { DtoClass, JsonObjectSchema } from './tool.decorator';
import type { Completers } from './completer';

/** One argument of a prompt, as `prompts/list` describes it. */
export interface PromptArgumentSpec {
  /** The argument's name. */
  name: string;
  /** What it is, for the model and for people. */
  description?: string;
  /** Whether it must be given. */
  required?: boolean;
}

/** Options of `@Prompt(name, options)` and `mcp.prompt()`. */
export interface PromptOptions {
  /** A display name. */
  title?: string;
  /** What the prompt is for. */
  description?: string;
  /**
   * The arguments: a DTO class (validated like tool input), or a JSON Schema (arguments then reach
   * the handler as sent). Defaults to the first parameter's design type when that is a class.
   * Without decorator metadata (tsx, esbuild) a method that takes a parameter must name it here,
   * or `register()` throws a `StartupError`.
   */
  input?: DtoClass | JsonObjectSchema;
  /** The arguments listed for clients; by default derived from `input`'s properties. */
  arguments?: PromptArgumentSpec[];
  /** Icons a client may show for the prompt. */
  icons?: Icon[];
  /**
   * Completers by argument name, for `completion/complete` (each name must be one of the prompt's
   * arguments). A caller who may not get the prompt gets its refusal, not completions.
   */
  complete?: Completers;
  /** `_meta` sent in `prompts/list`. */
  _meta?: Record<string, unknown>;
}

/** What `@Prompt` records on a method. */
export interface PromptMetadata extends PromptOptions {
  /** The prompt's name; default the method name. */
  name?: string;
}

/**
 * Registers a method as an MCP prompt. The handler receives `(args, ctx)` and returns a
 * `GetPromptResult`, a string (one user message) or an array of messages.
 *
 * @example
 * @Prompt('review', { description: 'Review code', complete: { language: (value) => LANGUAGES.filter((l) => l.startsWith(value)) } })
 * review({ code, language }: ReviewArgs) { return `Please review this ${language}:\n${code}`; }
 */
export function Prompt(name?: string, options: PromptOptions = {}): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    assertMethod('Prompt', target, propertyKey, descriptor);
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new TypeError('@Prompt() name must be a non-empty string');
    }
    const metadata: PromptMetadata = { ...options, name };
    Reflect.defineMetadata(PROMPT_METADATA, metadata, target, propertyKey);
  };
}
