import 'reflect-metadata';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { ACCESS_METADATA, PROMPT_METADATA, RESOURCE_METADATA, TOOL_METADATA } from '../decorators/metadata-keys';
import type { DtoClass, JsonObjectSchema, ToolOptions } from '../decorators/tool.decorator';
import type { ResourceMetadata, ResourceOptions } from '../decorators/resource.decorator';
import type { PromptArgumentSpec, PromptMetadata, PromptOptions } from '../decorators/prompt.decorator';
import { policyFromRules, type AccessPolicy, type AccessRule } from './access-policy';
import { dtoToJsonSchema } from './input-schema';
import type { Completer, Completers } from '../decorators/completer';
import type { InputSpec, PromptTarget, ResourceTarget, Target, TargetCallContext, ToolTarget } from './targets';
import { StartupError } from '../startup-error';

/* The scanner is the only code that reads decorator metadata: decorators write, this compiles. */

/** A class `mcp.register()` takes: its `@Tool`, `@Resource` and `@Prompt` methods become targets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Constructor = new (...args: any[]) => object;
/** A handler of `mcp.tool()`, `mcp.resource()` or `mcp.prompt()`: `(input, ctx)` (resources: `(uri, variables, ctx)`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerFn = (...args: any[]) => unknown;

const EMPTY_INPUT: JsonObjectSchema = Object.freeze({ type: 'object', properties: {} }) as JsonObjectSchema;
const NOT_DTOS = new Set<unknown>([Object, String, Number, Boolean, Array, Function, Promise, Symbol, BigInt, Date, URL]);

/** How a class target finds the instance to call; by default, from the request's container. */
export type InstanceResolver = (cls: Constructor, ctx: TargetCallContext) => object;

const fromRequestContainer: InstanceResolver = (cls, ctx) => ctx.container.resolve(cls);

/** Turns a decorated class into targets. Instances come from `resolveInstance` on each call. */
export function scanClass(cls: Constructor, resolveInstance: InstanceResolver = fromRequestContainer): Target[] {
  if (typeof cls !== 'function') throw new StartupError('register() takes classes');
  const classRules = ownRulesAlongChain(cls, undefined);
  const targets: Target[] = [];
  for (const method of methodNames(cls.prototype)) {
    const proto = cls.prototype;
    const tool: ToolOptions | undefined = Reflect.getMetadata(TOOL_METADATA, proto, method);
    const resource: ResourceMetadata | undefined = Reflect.getMetadata(RESOURCE_METADATA, proto, method);
    const prompt: PromptMetadata | undefined = Reflect.getMetadata(PROMPT_METADATA, proto, method);
    const source = `${cls.name}.${String(method)}`;
    const kinds = [tool, resource, prompt].filter(Boolean).length;
    if (kinds === 0) {
      if (ownRulesAlongChain(proto, method).length > 0) {
        throw new StartupError(`${source} has auth decorators but no @Tool, @Resource or @Prompt`);
      }
      continue;
    }
    if (kinds > 1) throw new StartupError(`${source} has more than one of @Tool, @Resource, @Prompt`);
    const policy = policyFromRules([...classRules, ...ownRulesAlongChain(proto, method)]);
    const invoke = (...args: unknown[]) => {
      const ctx = args[args.length - 1] as TargetCallContext;
      const instance = resolveInstance(cls, ctx) as Record<string | symbol, HandlerFn>;
      return instance[method](...args);
    };
    const declared = inputFromSignature(proto, method);
    const defaultName = String(method);
    if (tool) targets.push(buildTool(tool.name ?? defaultName, tool, policy, source, invoke, declared));
    if (resource) targets.push(buildResource(resource, resource.name ?? defaultName, policy, source, invoke));
    if (prompt) targets.push(buildPrompt(prompt.name ?? defaultName, prompt, policy, source, invoke, declared));
  }
  if (targets.length === 0) {
    throw new StartupError(`${cls.name} has no @Tool, @Resource or @Prompt methods`);
  }
  return targets;
}

/** `mcp.tool(name, opts, handler)`: reads the functional wrappers' rules from the handler. */
export function scanToolFunction(name: string, options: ToolOptions, handler: HandlerFn): ToolTarget {
  assertFunction(handler, `mcp.tool("${name}")`);
  return buildTool(name, options, handlerPolicy(handler), `mcp.tool("${name}")`, handler, NO_DTO);
}

export function scanResourceFunction(uri: string, options: ResourceOptions, handler: HandlerFn): ResourceTarget {
  const source = `mcp.resource("${uri}")`;
  assertFunction(handler, source);
  return buildResource({ ...options, uri }, options.name ?? uri, handlerPolicy(handler), source, handler);
}

export function scanPromptFunction(name: string, options: PromptOptions, handler: HandlerFn): PromptTarget {
  const source = `mcp.prompt("${name}")`;
  assertFunction(handler, source);
  return buildPrompt(name, options, handlerPolicy(handler), source, handler, NO_DTO);
}

function buildTool(
  name: string,
  options: ToolOptions,
  policy: AccessPolicy,
  source: string,
  invoke: HandlerFn,
  declared: SignatureInput,
): ToolTarget {
  assertName(name, source);
  const { input, inputSchema } = resolveInput(options.input ?? dtoFromSignature(declared, source, '@Tool('), source);
  return {
    kind: 'tool',
    name,
    title: options.title,
    description: options.description,
    source,
    policy,
    inputSchema,
    outputSchema: options.outputSchema,
    annotations: options.annotations,
    execution: options.execution,
    icons: options.icons,
    _meta: options._meta,
    input,
    invoke,
  };
}

function buildResource(
  metadata: ResourceMetadata,
  name: string,
  policy: AccessPolicy,
  source: string,
  invoke: HandlerFn,
): ResourceTarget {
  let template: UriTemplate | undefined;
  // Any brace makes it a template, so an unclosed expression is reported instead of served literally.
  if (/[{}]/.test(metadata.uri)) {
    try {
      template = new UriTemplate(metadata.uri);
    } catch (error) {
      throw new StartupError(`${source}: URI template "${metadata.uri}" does not parse: ${(error as Error).message}`);
    }
  } else if (!URL.canParse(metadata.uri)) {
    throw new StartupError(`${source}: "${metadata.uri}" is not a URI`);
  }
  if (!template && metadata.complete !== undefined && Object.keys(metadata.complete).length > 0) {
    throw new StartupError(`${source}: only a URI template's variables can be completed; "${metadata.uri}" has none`);
  }
  return {
    kind: 'resource',
    name,
    uri: metadata.uri,
    template,
    title: metadata.title,
    description: metadata.description,
    mimeType: metadata.mimeType,
    icons: metadata.icons,
    _meta: metadata._meta,
    completers: completersFor(metadata.complete, template?.variableNames ?? [], 'variable', source),
    source,
    policy,
    invoke,
  };
}

function buildPrompt(
  name: string,
  options: PromptOptions,
  policy: AccessPolicy,
  source: string,
  invoke: HandlerFn,
  declared: SignatureInput,
): PromptTarget {
  assertName(name, source);
  const { input, inputSchema } = resolveInput(options.input ?? dtoFromSignature(declared, source, '@Prompt(name, '), source);
  const promptArguments = options.arguments ?? argumentsFromSchema(inputSchema);
  return {
    kind: 'prompt',
    name,
    title: options.title,
    description: options.description,
    icons: options.icons,
    _meta: options._meta,
    source,
    policy,
    input,
    arguments: promptArguments,
    completers: completersFor(options.complete, promptArguments.map((a) => a.name), 'argument', source),
    invoke,
  };
}

/** The `complete` option as a map, each name one the target has and each completer a function. */
function completersFor(complete: Completers | undefined, names: readonly string[], what: 'argument' | 'variable', source: string): ReadonlyMap<string, Completer> {
  if (complete === undefined) return NO_COMPLETERS;
  if (typeof complete !== 'object' || complete === null) throw new StartupError(`${source}: complete must be an object of completer functions by ${what} name`);
  const completers = new Map<string, Completer>();
  for (const [name, completer] of Object.entries(complete)) {
    if (!names.includes(name)) {
      throw new StartupError(`${source}: complete names the ${what} "${name}", which it does not have (${what}s: ${names.join(', ') || 'none'})`);
    }
    if (typeof completer !== 'function') throw new StartupError(`${source}: the completer of "${name}" must be a function`);
    completers.set(name, completer);
  }
  return completers;
}

function resolveInput(
  input: DtoClass | JsonObjectSchema | undefined,
  source: string,
): { input: InputSpec; inputSchema: JsonObjectSchema } {
  if (input === undefined) return { input: { kind: 'raw' }, inputSchema: EMPTY_INPUT };
  if (typeof input === 'function') return { input: { kind: 'dto', dto: input }, inputSchema: dtoToJsonSchema(input, source) };
  if (typeof input === 'object' && input !== null && input.type === 'object') {
    return { input: { kind: 'raw' }, inputSchema: input };
  }
  throw new StartupError(`${source}: input must be a DTO class or a JSON Schema with type "object"`);
}

/**
 * What a method's signature says about its input. `unreadable`: the method takes an input
 * parameter but no `design:paramtypes` metadata was emitted (tsx, esbuild, most bundlers), so
 * whether it was meant as a DTO cannot be known.
 */
type SignatureInput = { kind: 'dto'; dto: DtoClass } | { kind: 'none' } | { kind: 'unreadable' };

const NO_DTO: SignatureInput = Object.freeze({ kind: 'none' });
const NO_COMPLETERS: ReadonlyMap<string, Completer> = new Map();

/**
 * A first parameter typed as a class is the DTO; `unknown`, `any`, interfaces and builtins are
 * not. A method "takes an input parameter" when its `length` is at least 1: parameters with a
 * default value, and rest parameters, do not count.
 */
function inputFromSignature(proto: object, method: string | symbol): SignatureInput {
  const paramTypes: unknown[] | undefined = Reflect.getMetadata('design:paramtypes', proto, method);
  if (paramTypes === undefined) {
    const handler = (proto as Record<string | symbol, unknown>)[method];
    return typeof handler === 'function' && handler.length > 0 ? { kind: 'unreadable' } : NO_DTO;
  }
  const type = paramTypes[0];
  if (typeof type !== 'function' || NOT_DTOS.has(type)) return NO_DTO;
  return { kind: 'dto', dto: type as DtoClass };
}

/** The DTO the signature names; a signature that cannot be read is a start-up error, never "no validation". */
function dtoFromSignature(declared: SignatureInput, source: string, call: '@Tool(' | '@Prompt(name, '): DtoClass | undefined {
  if (declared.kind === 'dto') return declared.dto;
  if (declared.kind === 'none') return undefined;
  throw new StartupError(
    `${source} takes an input parameter, but no decorator metadata was emitted for it, so its input type ` +
      'cannot be read and its arguments would reach it unvalidated. Either compile with ' +
      '"experimentalDecorators": true and "emitDecoratorMetadata": true (tsc, ts-node, ts-jest, SWC with ' +
      "decoratorMetadata; tsx and esbuild emit none) and import 'reflect-metadata' before your classes, " +
      `or name the input: ${call}{ input: YourDto }) for a class-validator DTO, or ` +
      `${call}{ input: { type: 'object', properties: { … } } }) for a JSON Schema (arguments then reach the handler as sent).`,
  );
}

function argumentsFromSchema(schema: JsonObjectSchema): PromptArgumentSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => ({
    name,
    description: (prop as { description?: string }).description,
    required: required.has(name),
  }));
}

function handlerPolicy(handler: HandlerFn): AccessPolicy {
  return policyFromRules(Reflect.getOwnMetadata(ACCESS_METADATA, handler) ?? []);
}

/** Rules on `target` (a class, or a prototype method) and its ancestors, base class first. */
function ownRulesAlongChain(target: object, method: string | symbol | undefined): AccessRule[] {
  const chain: object[] = [];
  for (let t: object | null = target; t && t !== Object.prototype && t !== Function.prototype; t = Object.getPrototypeOf(t)) {
    chain.unshift(t);
  }
  return chain.flatMap<AccessRule>((t) =>
    (method === undefined ? Reflect.getOwnMetadata(ACCESS_METADATA, t) : Reflect.getOwnMetadata(ACCESS_METADATA, t, method)) ?? [],
  );
}

function methodNames(proto: object): (string | symbol)[] {
  const names = new Set<string | symbol>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Reflect.ownKeys(p)) if (key !== 'constructor') names.add(key);
  }
  return [...names];
}

function assertName(name: string, source: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    throw new StartupError(`${source}: name must be a non-empty string of at most 128 characters`);
  }
}

function assertFunction(handler: unknown, source: string): void {
  if (typeof handler !== 'function') throw new StartupError(`${source}: handler must be a function`);
}
