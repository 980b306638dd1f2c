import 'reflect-metadata';

// The server and how targets are declared.
export { NextMCP, type NextMCPOptions, type ConnectOptions } from './server/next-mcp';
export type { HttpServerOptions, HttpListenOptions, StdioListenOptions, ListenOptions, Listener } from './server/http/http-options';
export type { HttpHandler } from './server/http/http-app';
export { MemoryEventStore, type MemoryEventStoreOptions } from './server/http/memory-event-store';
export type { ToolListing } from './auth/server-auth';
export { StartupError } from './startup-error';
export type { Logger, LogFields } from './logging/logger';
export * from './decorators';
/** Describes a DTO property in the tool's JSON Schema (class-validator-jsonschema). */
export { JSONSchema } from 'class-validator-jsonschema/build/decorators';

// What middleware and handlers work with.
export type { Middleware, MiddlewareObject, MiddlewareLike } from './pipeline/middleware';
export { RequestContext, type TransportKind, type HeaderMap } from './pipeline/request-context';
export type { ToolContext, ClientRequestOptions } from './pipeline/tool-context';
export { ClientCapabilityError, ClientRequestCancelledError, ClientRequestUnavailableError } from './pipeline/client-connection';
export type { Target, ToolTarget, ResourceTarget, PromptTarget, TargetCallContext, InputSpec } from './metadata/targets';
export type { Constructor, HandlerFn } from './metadata/scanner';
export type { AccessPolicy, ProviderRef } from './metadata/access-policy';

// Dependency injection tokens.
export * from './di';

// The subpaths: nextmcp/auth, nextmcp/session, nextmcp/protocol, nextmcp/testing.
export * from './auth';
export * from './session';
export * from './protocol';
export * from './testing';
