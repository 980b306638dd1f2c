export * from './next-mcp';
export * from './startup-error';
export * from './target-registry';
export { StdioServerTransport } from './transports/stdio-transport';
export { CredentialDetachingTransport } from './transports/credential-detaching-transport';
export { MemoryEventStore, type MemoryEventStoreOptions } from './http/memory-event-store';
export type { HttpServerOptions, HttpListenOptions, StdioListenOptions, ListenOptions, Listener } from './http/http-options';
export type { HttpHandler } from './http/http-app';
