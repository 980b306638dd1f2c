/**
 * Typed session-store errors. Each has a stable `code` a caller can switch on. Messages are built
 * from ids, provider names and our own words only: a token value never reaches a message.
 */
export type SessionStoreErrorCode =
  | 'session_store_error'
  | 'session_not_found'
  | 'session_ambiguous'
  | 'session_corrupt'
  | 'session_decryption_failed'
  | 'session_store_unavailable';

/**
 * Base of every session-store error.
 *
 * @example
 * try {
 *   await store.load(userId);
 * } catch (error) {
 *   if (error instanceof SessionStoreError && error.code === 'session_ambiguous') {
 *     await store.load(userId, 'github');
 *   } else throw error;
 * }
 */
export class SessionStoreError extends Error {
  /** Stable, to switch on (a subclass's kind, or `session_store_error`). */
  readonly code: SessionStoreErrorCode;

  constructor(message: string, code: SessionStoreErrorCode = 'session_store_error', options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** `updateTokens` (or another call that needs one) found no session for the identity. */
export class SessionNotFoundError extends SessionStoreError {
  constructor(
    /** The user id asked for. */
    readonly userId: string,
    /** The provider asked for, if one was named. */
    readonly provider?: string,
  ) {
    super(`No session for user "${userId}"${provider === undefined ? '' : ` from provider "${provider}"`}`, 'session_not_found');
  }
}

/**
 * The user id has sessions from several providers and the call named none. Sessions are keyed by
 * (provider, userId), so the caller must say which one it means.
 */
export class AmbiguousSessionError extends SessionStoreError {
  constructor(
    /** The user id asked for. */
    readonly userId: string,
    /** The providers the user has sessions from (`''` for a session saved without one). */
    readonly providers: readonly string[],
  ) {
    const names = providers.map((provider) => (provider === '' ? '(none)' : provider)).join(', ');
    super(
      `User "${userId}" has sessions from several providers (${names}); pass the provider to choose one`,
      'session_ambiguous',
    );
  }
}

/** Stored session data is malformed, tampered with, or has the wrong types. */
export class CorruptSessionError extends SessionStoreError {
  constructor(message: string) {
    super(message, 'session_corrupt');
  }
}

/**
 * Stored session data cannot be decrypted with the configured key: it was written with another key,
 * it is encrypted and no key is configured, or a key is configured and it is not encrypted.
 */
export class SessionDecryptionError extends SessionStoreError {
  constructor(message: string) {
    super(message, 'session_decryption_failed');
  }
}

/** The backing store (Redis) did not answer in time or is not connected. Fail closed. */
export class SessionStoreUnavailableError extends SessionStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'session_store_unavailable', options);
  }
}
