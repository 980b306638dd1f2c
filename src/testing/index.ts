export * from './in-memory-client';
