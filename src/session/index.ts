export { SessionData, type SessionDataInit, type SessionJSON } from './session-data';
export type { SessionStore, StopCleanup, TokenUpdate, SessionChange, SessionChangeListener } from './session-store';
export type { SessionStoreOptions } from './base-session-store';
export {
  AmbiguousSessionError,
  CorruptSessionError,
  SessionDecryptionError,
  SessionNotFoundError,
  SessionStoreError,
  SessionStoreUnavailableError,
  type SessionStoreErrorCode,
} from './errors';
export type { EncryptionKey } from './encryption';
export type { CorruptSessionHandler, CorruptSessionReport } from './corrupt-session-report';
export { MemorySessionStore, type MemorySessionStoreOptions } from './memory-store';
export { FileSessionStore, type FileSessionStoreOptions } from './file-store';
export { RedisSessionStore, type RedisSessionStoreOptions } from './redis-store';
export type { RedisClient } from './redis-connection';
