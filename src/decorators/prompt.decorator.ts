import 'reflect-metadata';
import { assertMethod } from './decorator-target';
import { PROMPT_METADATA } from './metadata-keys';
import type { DtoClass } from './tool.decorator';

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
  /** A DTO for the arguments (validated like tool input), or the arguments listed by hand. */
  input?: DtoClass;
  /** The arguments, listed by hand (when there is no `input` DTO). */
  arguments?: PromptArgumentSpec[];
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
 * @Prompt('review', { description: 'Review code' })
 * review({ code }: ReviewArgs) { return `Please review:\n${code}`; }
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
