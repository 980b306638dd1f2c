import { chmod, mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { hashToken } from '../auth/token-hash';
import {
  isErrorCode,
  isTempFileName,
  PRIVATE_DIR_MODE,
  readFileIfExists,
  writeFileAtomic,
} from './atomic-file';
import {
  applyTokenUpdate,
  BaseSessionStore,
  providerSlot,
  requireSavableSession,
  type SessionStoreOptions,
} from './base-session-store';
import {
  type CorruptSessionHandler,
  readOrSetAside,
  reportCorruptSession,
  warnAboutCorruptSession,
} from './corrupt-session-report';
import type { EncryptionKey } from './encryption';
import { describeError } from '../logging/logger';
import { SessionFileLayout, type TokenPointer } from './file-layout';
import type { SessionData } from './session-data';
import { type SessionRecord, SessionRecordCodec } from './session-record';
import type { TokenUpdate } from './session-store';

export interface FileSessionStoreOptions extends SessionStoreOptions {
  /** 32 bytes (Buffer, 64 hex characters or base64): sessions are AES-256-GCM encrypted at rest. */
  encryptionKey?: EncryptionKey;
  /** Told about each unreadable session file after it is moved aside. Default: a warning on the store's `logger`. */
  onCorrupt?: CorruptSessionHandler;
}

/** A temp file untouched this long is a crashed write's leftover: a live write takes milliseconds. */
const STALE_TEMP_MS = 60 * 1000;

/**
 * Sessions as files, one per (provider, userId), surviving restarts; for a single server (several
 * processes on one machine are safe for different users; for replicas use `RedisSessionStore`).
 *
 * Files are written atomically (temp + fsync + rename) with mode 0600 in 0700 directories, named
 * by hashes so ids cannot escape the directory. A corrupt file is reported and renamed to
 * `*.corrupt`; other users are unaffected. Same-user writes from two processes: the last one wins.
 * Temp files left by a crash are removed when a store starts, once they are over a minute old.
 *
 * @example
 * const store = new FileSessionStore('.nextmcp_sessions', {
 *   encryptionKey: process.env.NEXTMCP_SESSION_KEY, // 64 hex chars: tokens never touch disk in the clear
 * });
 * await store.save(session);
 * const same = await store.load(session.userId, 'google');
 */
export class FileSessionStore extends BaseSessionStore {
  /** The absolute directory the sessions live in. */
  readonly directory: string;
  private readonly layout: SessionFileLayout;
  private readonly codec: SessionRecordCodec;
  private readonly onCorrupt: CorruptSessionHandler;
  private prepared?: Promise<void>;
  private readonly startupSweep: Promise<void>;

  constructor(directory = '.nextmcp_sessions', options: FileSessionStoreOptions = {}) {
    super(options);
    this.directory = resolve(directory);
    this.layout = new SessionFileLayout(this.directory);
    this.codec = new SessionRecordCodec(options.encryptionKey);
    this.onCorrupt = options.onCorrupt ?? warnAboutCorruptSession(this.logger);
    // Temp files a crash left behind go at start; another process's write in flight is younger than a minute.
    this.startupSweep = this.removeStaleTempFiles(Date.now()).catch((error: unknown) => {
      this.logger.warn({ directory: this.directory, error: describeError(error) }, 'could not remove stale temp files');
    });
  }

  /** Creates or replaces the session of (session.provider, session.userId). */
  async save(session: SessionData): Promise<void> {
    requireSavableSession(session);
    await this.prepare();
    const slot = providerSlot(session.provider);
    const file = this.layout.sessionFile(session.userId, slot);
    const pointer = this.layout.pointerTo(session.userId, slot);
    const previous = await this.readRecord(file);
    if (this.retention.isOver(session.expiresAt)) {
      if (previous && (await this.removeRecord(file, previous, pointer))) this.reportDeleted(session.userId, slot);
      return;
    }
    await writeFileAtomic(file, this.codec.encode(session));
    const tokenHash = hashToken(session.accessToken);
    await writeFileAtomic(this.layout.tokenFile(tokenHash), JSON.stringify(pointer));
    if (previous && previous.accessTokenHash !== tokenHash) await this.removeTokenEntry(previous.accessTokenHash, pointer);
  }

  /** The session whose current access token is `token`, through the token-hash index. */
  async findByAccessToken(token: string): Promise<SessionData | null> {
    if (typeof token !== 'string' || token === '') return null;
    const tokenHash = hashToken(token);
    const pointer = this.layout.parsePointer(await readFileIfExists(this.layout.tokenFile(tokenHash)));
    if (!pointer) return null;
    const session = await this.readSessionFile(this.layout.fileOf(pointer));
    // A stale entry (the session's token changed since) must not find anything.
    return session && hashToken(session.accessToken) === tokenHash ? session : null;
  }

  /** Distinct user ids with at least one session. */
  async listUsers(): Promise<string[]> {
    const userIds = await Promise.all((await this.userDirNames()).map((userHash) => this.userIdIn(userHash)));
    return userIds.filter((userId): userId is string => userId !== undefined);
  }

  /** Removes every session; resolves to how many were removed. */
  async clearAll(): Promise<number> {
    let removed = 0;
    const identities: SessionRecord[] = [];
    for (const userHash of await this.userDirNames()) {
      const files = await this.sessionFilesIn(userHash);
      removed += files.length;
      // Headers only (no key needed): who was removed, for onChange listeners.
      for (const file of files) {
        const record = await this.readRecord(file);
        if (record) identities.push(record);
      }
      await rm(this.layout.userDirOf(userHash), { recursive: true, force: true });
    }
    for (const name of await listDirectory(this.layout.tokensDir)) {
      await rm(join(this.layout.tokensDir, name), { force: true });
    }
    for (const record of identities) this.reportDeleted(record.userId, providerSlot(record.provider));
    return removed;
  }

  /** Removes expired sessions, then stale token index entries and temp files left by crashes. */
  async cleanupExpired(): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const userHash of await this.userDirNames()) {
      for (const file of await this.sessionFilesIn(userHash)) {
        const record = await this.readRecord(file);
        if (record?.expiresAt !== undefined && record.expiresAt * 1000 <= now) {
          if (await this.removeRecord(file, record, { user: userHash, slot: slotHashOf(file) })) {
            removed += 1;
            this.reportDeleted(record.userId, providerSlot(record.provider));
          }
        }
      }
      await removeStaleTempFiles(this.layout.userDirOf(userHash), now);
      await rmdir(this.layout.userDirOf(userHash)).catch(() => undefined);
    }
    await this.removeStaleTokenEntries(now);
    return removed;
  }

  /** Waits for the start-up sweep of temp files, then stops cleanup timers. */
  override async close(): Promise<void> {
    await this.startupSweep;
    await super.close();
  }

  protected async readSession(userId: string, slot: string): Promise<SessionData | null> {
    return this.readSessionFile(this.layout.sessionFile(userId, slot));
  }

  protected async readUserSessions(userId: string): Promise<SessionData[]> {
    const userDir = this.layout.userDir(userId);
    const files = (await listDirectory(userDir)).filter(SessionFileLayout.isSessionFileName);
    const sessions = await Promise.all(files.map((name) => this.readSessionFile(join(userDir, name))));
    return sessions.filter((session): session is SessionData => session !== null);
  }

  protected async removeSession(userId: string, slot: string): Promise<boolean> {
    const file = this.layout.sessionFile(userId, slot);
    const record = await this.readRecord(file);
    if (!record) return false;
    const removed = await this.removeRecord(file, record, this.layout.pointerTo(userId, slot));
    await rmdir(this.layout.userDir(userId)).catch(() => undefined);
    return removed && !this.retention.isOver(record.expiresAt);
  }

  protected async replaceTokens(userId: string, slot: string, update: TokenUpdate): Promise<SessionData | null> {
    const current = await this.readSession(userId, slot);
    if (!current) return null;
    const updated = applyTokenUpdate(current, update);
    await this.save(updated);
    return updated;
  }

  private async removeStaleTempFiles(now: number): Promise<void> {
    for (const userHash of await this.userDirNames()) await removeStaleTempFiles(this.layout.userDirOf(userHash), now);
    await removeStaleTempFiles(this.layout.tokensDir, now);
  }

  /** Creates the directories (0700) once; an existing root is the user's and keeps its mode. */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      const createdRoot = await mkdir(this.directory, { recursive: true, mode: PRIVATE_DIR_MODE });
      if (createdRoot !== undefined) await chmod(this.directory, PRIVATE_DIR_MODE);
      for (const dir of [this.layout.sessionsDir, this.layout.tokensDir]) {
        await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
        await chmod(dir, PRIVATE_DIR_MODE);
      }
    })().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  /**
   * The session in `file`, or null when absent, past retention, or corrupt (then reported and
   * quarantined). A file whose contents belong to another path (moved or copied) is ignored.
   * @throws SessionDecryptionError on a key mismatch: that is configuration, not corruption.
   */
  private async readSessionFile(file: string): Promise<SessionData | null> {
    const record = await this.readRecord(file);
    if (!record || this.retention.isOver(record.expiresAt)) return null;
    if (this.layout.sessionFile(record.userId, providerSlot(record.provider)) !== file) return null;
    return readOrSetAside(() => this.codec.open(record), (reason) => this.quarantine(file, reason));
  }

  /** The record's header (not decrypted), or null when absent or corrupt (reported, quarantined). */
  private async readRecord(file: string): Promise<SessionRecord | null> {
    const text = await readFileIfExists(file);
    if (text === null) return null;
    return readOrSetAside(() => this.codec.parse(text), (reason) => this.quarantine(file, reason));
  }

  private async removeRecord(file: string, record: SessionRecord, pointer: TokenPointer): Promise<boolean> {
    try {
      await unlink(file);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return false;
      throw error;
    }
    await this.removeTokenEntry(record.accessTokenHash, pointer);
    return true;
  }

  /** Removes an index entry only while it still points at this session: the token may have moved on. */
  private async removeTokenEntry(tokenHash: string, pointer: TokenPointer): Promise<void> {
    const tokenFile = this.layout.tokenFile(tokenHash);
    const current = this.layout.parsePointer(await readFileIfExists(tokenFile));
    if (current?.user === pointer.user && current.slot === pointer.slot) await rm(tokenFile, { force: true });
  }

  private async removeStaleTokenEntries(now: number): Promise<void> {
    for (const name of await listDirectory(this.layout.tokensDir)) {
      const tokenFile = join(this.layout.tokensDir, name);
      if (!SessionFileLayout.isTokenFileName(name)) {
        if (isTempFileName(name)) await removeIfStale(tokenFile, now);
        continue;
      }
      const pointer = this.layout.parsePointer(await readFileIfExists(tokenFile));
      const record = pointer && (await this.readRecord(this.layout.fileOf(pointer)));
      const tokenHash = Buffer.from(basename(name, '.json'), 'hex').toString('base64url');
      if (!record || record.accessTokenHash !== tokenHash) await rm(tokenFile, { force: true });
    }
  }

  private async quarantine(file: string, reason: string): Promise<void> {
    const quarantinedAs = `${file}.${Date.now()}.corrupt`;
    try {
      await rename(file, quarantinedAs);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return; // another reader already moved it aside
      throw error;
    }
    reportCorruptSession(this.onCorrupt, { location: file, reason, quarantinedAs }, this.logger);
  }

  /** The user a directory belongs to, read from its first live session's header (no key needed). */
  private async userIdIn(userHash: string): Promise<string | undefined> {
    for (const file of await this.sessionFilesIn(userHash)) {
      const record = await this.readRecord(file);
      const belongsHere = record && this.layout.userDir(record.userId) === this.layout.userDirOf(userHash);
      if (belongsHere && !this.retention.isOver(record.expiresAt)) return record.userId;
    }
    return undefined;
  }

  private async userDirNames(): Promise<string[]> {
    return (await listDirectory(this.layout.sessionsDir)).filter(SessionFileLayout.isUserDirName);
  }

  private async sessionFilesIn(userHash: string): Promise<string[]> {
    const userDir = this.layout.userDirOf(userHash);
    return (await listDirectory(userDir)).filter(SessionFileLayout.isSessionFileName).map((name) => join(userDir, name));
  }
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
}

function slotHashOf(file: string): string {
  return basename(file, '.json');
}

/** Removes the temp files in `directory` that crashed writers left behind. */
async function removeStaleTempFiles(directory: string, now: number): Promise<void> {
  for (const name of await listDirectory(directory)) {
    if (isTempFileName(name)) await removeIfStale(join(directory, name), now);
  }
}

/** A temp file modified in the last minute may be another process's write in flight: it stays. */
async function removeIfStale(file: string, now: number): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
}
