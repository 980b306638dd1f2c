import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type CompleteResult,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ListToolsResult,
  type ServerCapabilities,
  type Tool as ToolDescriptor,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestPipeline, Extra } from '../pipeline/request-pipeline';
import type { RequestContext, TransportKind } from '../pipeline/request-context';
import { POLICY_ENFORCED } from '../pipeline/policy-enforced';
import { createToolContext } from '../pipeline/tool-context';
import { validateArguments } from '../pipeline/validation';
import { toCallToolResult, toErrorResult, toGetPromptResult, toReadResourceResult } from '../pipeline/results';
import { JsonRpcError, JsonRpcErrorCode } from '../pipeline/json-rpc-error';
import type { PromptTarget, ResourceTarget, Target, ToolTarget } from '../metadata/targets';
import type { TargetRegistry } from './target-registry';
import type { ConnectedClient } from './connected-client';
import { isProtocolError, noteUrlElicitations } from './handler-errors';
import { completeArgument } from './completion';

/** What the handlers need from the server beyond the registry and pipeline. */
export interface ListingPolicy {
  /** Whether `target` appears in a listing for this caller. */
  isListed(target: Target, ctx: RequestContext): boolean;
  /** `_meta` entries describing a tool's requirements (merged into its `_meta`). */
  describeTool(target: ToolTarget): Record<string, unknown> | undefined;
  /** Whether a tool is marked destructive (e.g. a `dangerous` manifest entry). */
  isDangerous(target: ToolTarget): boolean;
}

/** What one SDK `Server` is wired to. */
export interface ProtocolWiring {
  registry: TargetRegistry;
  pipeline: RequestPipeline;
  listing: ListingPolicy;
  transport: TransportKind;
  /** The capabilities the server declares: handlers are installed for these only. */
  capabilities: ServerCapabilities;
  /** The client the server serves. */
  client: ConnectedClient;
}

/** Registers our handlers for tools, resources, prompts, completions and logging on one low-level SDK `Server`. */
export function installProtocolHandlers(server: Server, { registry, pipeline, listing, transport, capabilities, client }: ProtocolWiring): void {
  const run: Run = (method, params, extra, target, terminal) => pipeline.run(method, params, extra, transport, target, terminal);
  if (capabilities.tools) installToolHandlers(server, registry, listing, run, client);
  if (capabilities.resources) installResourceHandlers(server, registry, listing, run, client);
  if (capabilities.prompts) installPromptHandlers(server, registry, listing, run, client);
  if (capabilities.resources?.subscribe) installSubscriptionHandlers(server, registry, run, client);

  if (capabilities.completions) {
    server.setRequestHandler(CompleteRequestSchema, (request, extra) => {
      const target = registry.targetOf(request.method, request.params) as PromptTarget | ResourceTarget | undefined;
      return run(request.method, request.params, extra, target, (ctx) => completeArgument(target, request.params, ctx.auth)) as Promise<CompleteResult>;
    });
  }

  // Replaces the SDK's own handler: the level is kept per MCP session, and the request is decided
  // by the pipeline like any other.
  server.setRequestHandler(SetLevelRequestSchema, (request, extra) =>
    run(request.method, request.params, extra, undefined, async () => {
      client.logLevel = request.params.level;
      return {};
    }) as Promise<Record<string, never>>,
  );
}

type Run = (method: string, params: Record<string, unknown> | undefined, extra: Extra, target: Target | undefined, terminal: (ctx: RequestContext) => Promise<unknown>) => Promise<unknown>;

function installToolHandlers(server: Server, registry: TargetRegistry, listing: ListingPolicy, run: Run, client: ConnectedClient): void {
  server.setRequestHandler(ListToolsRequestSchema, (request, extra) =>
    run(request.method, request.params, extra, undefined, async (ctx) => {
      const tools = [...registry.tools.values()].filter((t) => listing.isListed(t, ctx)).map((t) => describeTool(t, listing));
      return { tools } satisfies ListToolsResult;
    }) as Promise<ListToolsResult>,
  );

  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const target = registry.tools.get(request.params.name);
    return run(request.method, request.params, extra, target, async (ctx) => {
      if (!target) throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Unknown tool: ${request.params.name}`);
      const args = await validateArguments(target.input, request.params.arguments, target.name);
      const toolCtx = createToolContext(ctx, ctx[POLICY_ENFORCED], client, extra);
      try {
        return toCallToolResult(await target.invoke(args, toolCtx));
      } catch (error) {
        if (!isProtocolError(error)) return toErrorResult(error);
        noteUrlElicitations(error, client);
        throw error;
      }
    }) as Promise<CallToolResult>;
  });
}

function installResourceHandlers(server: Server, registry: TargetRegistry, listing: ListingPolicy, run: Run, client: ConnectedClient): void {
  server.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
    run(request.method, request.params, extra, undefined, async (ctx) => {
      const resources = [...registry.resources.values()]
        .filter((r) => listing.isListed(r, ctx))
        .map((r) => withoutUndefined({ uri: r.uri, name: r.name, title: r.title, description: r.description, mimeType: r.mimeType, icons: r.icons, _meta: r._meta }));
      return { resources } as ListResourcesResult;
    }) as Promise<ListResourcesResult>,
  );

  server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
    run(request.method, request.params, extra, undefined, async (ctx) => {
      const resourceTemplates = registry.resourceTemplates
        .filter((r) => listing.isListed(r, ctx))
        .map((r) => withoutUndefined({ uriTemplate: r.uri, name: r.name, title: r.title, description: r.description, mimeType: r.mimeType, icons: r.icons, _meta: r._meta }));
      return { resourceTemplates } as ListResourceTemplatesResult;
    }) as Promise<ListResourceTemplatesResult>,
  );

  server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => {
    const found = registry.findResource(request.params.uri);
    return run(request.method, request.params, extra, found?.target, async (ctx) => {
      if (!found) throw new JsonRpcError(JsonRpcErrorCode.RESOURCE_NOT_FOUND, `Resource not found: ${request.params.uri}`, { uri: request.params.uri });
      const toolCtx = createToolContext(ctx, ctx[POLICY_ENFORCED], client, extra);
      try {
        const value = await found.target.invoke(new URL(request.params.uri), found.variables, toolCtx);
        return toReadResourceResult(value, request.params.uri, found.target.mimeType);
      } catch (error) {
        noteUrlElicitations(error, client);
        throw error;
      }
    }) as never;
  });
}

/** Subscriptions belong to the session and need what reading the resource needs. */
function installSubscriptionHandlers(server: Server, registry: TargetRegistry, run: Run, client: ConnectedClient): void {
  for (const schema of [SubscribeRequestSchema, UnsubscribeRequestSchema]) {
    server.setRequestHandler(schema, (request, extra) => {
      const { uri } = request.params;
      const found = registry.findResource(uri);
      return run(request.method, request.params, extra, found?.target, async () => {
        if (!found) throw new JsonRpcError(JsonRpcErrorCode.RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri });
        if (request.method === 'resources/subscribe') client.subscribe(uri);
        else client.unsubscribe(uri);
        return {};
      }) as Promise<Record<string, never>>;
    });
  }
}

function installPromptHandlers(server: Server, registry: TargetRegistry, listing: ListingPolicy, run: Run, client: ConnectedClient): void {
  server.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
    run(request.method, request.params, extra, undefined, async (ctx) => {
      const prompts = [...registry.prompts.values()]
        .filter((p) => listing.isListed(p, ctx))
        .map((p) => withoutUndefined({ name: p.name, title: p.title, description: p.description, arguments: p.arguments, icons: p.icons, _meta: p._meta }));
      return { prompts } as ListPromptsResult;
    }) as Promise<ListPromptsResult>,
  );

  server.setRequestHandler(GetPromptRequestSchema, (request, extra) => {
    const target = registry.prompts.get(request.params.name);
    return run(request.method, request.params, extra, target, async (ctx) => {
      if (!target) throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `Unknown prompt: ${request.params.name}`);
      const args = await validateArguments(target.input, request.params.arguments, target.name);
      const toolCtx = createToolContext(ctx, ctx[POLICY_ENFORCED], client, extra);
      try {
        return toGetPromptResult(await target.invoke(args, toolCtx), target.description);
      } catch (error) {
        noteUrlElicitations(error, client);
        throw error;
      }
    }) as never;
  });
}

function describeTool(target: ToolTarget, listing: ListingPolicy): ToolDescriptor {
  const authMeta = listing.describeTool(target);
  const annotations = listing.isDangerous(target) ? { ...target.annotations, destructiveHint: true } : target.annotations;
  const _meta = authMeta || target._meta ? { ...target._meta, ...authMeta } : undefined;
  return withoutUndefined({
    name: target.name,
    title: target.title,
    description: target.description,
    inputSchema: target.inputSchema as ToolDescriptor['inputSchema'],
    outputSchema: target.outputSchema as ToolDescriptor['outputSchema'],
    annotations,
    execution: target.execution,
    icons: target.icons,
    _meta,
  }) as ToolDescriptor;
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
