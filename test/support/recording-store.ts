import type { AuthorizationStore, AuthorizationStoreSetOptions } from '../../src/auth/authorization-server/authorization-store';
import { MemoryAuthorizationStore } from '../../src/auth/authorization-server/memory-authorization-store';

/**
 * An `AuthorizationStore` that records every change (and keeps a copy of what it holds), so a test
 * can assert that a refused request changed nothing and read the raw stored values.
 */
export class RecordingStore implements AuthorizationStore {
  readonly changes: string[] = [];
  readonly contents = new Map<string, string>();

  constructor(private readonly inner: AuthorizationStore = new MemoryAuthorizationStore()) {}

  async set(key: string, value: string, ttlSeconds: number, options?: AuthorizationStoreSetOptions): Promise<boolean> {
    const written = await this.inner.set(key, value, ttlSeconds, options);
    if (written) {
      this.changes.push(`set ${key}`);
      this.contents.set(key, value);
    }
    return written;
  }

  get(key: string): Promise<string | null> {
    return this.inner.get(key);
  }

  async take(key: string): Promise<string | null> {
    const value = await this.inner.take(key);
    if (value !== null) {
      this.changes.push(`take ${key}`);
      this.contents.delete(key);
    }
    return value;
  }

  async delete(key: string): Promise<boolean> {
    const deleted = await this.inner.delete(key);
    if (deleted) {
      this.changes.push(`delete ${key}`);
      this.contents.delete(key);
    }
    return deleted;
  }

  /** The changes since `mark` (a length of `changes`), without the short user-index locks. */
  since(mark: number): string[] {
    return this.changes.slice(mark).filter((change) => !change.endsWith(':lock'));
  }
}
