import { nodeCrypto } from '../../node-crypto';
import { AuthContext } from '../auth-context';
import type { AuthProvider, AuthResult, Credentials, ProviderDescription } from '../provider';
import { hashToken } from '../token-hash';
import { grantList } from './grant-list';

/** Who an API key belongs to and what it grants. */
export interface ApiKeyEntry {
  /** The key holder's id (`AuthContext.userId`). */
  userId: string;
  /** A display name. */
  username?: string;
  /** Scopes the key grants. */
  scopes?: string[];
  /** Roles the key grants. */
  roles?: string[];
  /** Permissions the key grants. */
  permissions?: string[];
  /** Anything else, as `AuthContext.metadata`. */
  metadata?: Record<string, unknown>;
}

/** Looks a presented key up elsewhere (a database, a secrets service); `null` when unknown. */
export type ApiKeyValidator = (key: string) => Promise<ApiKeyEntry | null | undefined> | ApiKeyEntry | null | undefined;

/** Options of {@link ApiKeyProvider}: a static key map or a validator function. */
export type ApiKeyProviderOptions = {
  /** `AuthContext.provider`; default `'api-key'`. */
  name?: string;
} & (
  | {
      /** Each key and its holder; only SHA-256 digests of the keys are kept. */
      keys: Record<string, ApiKeyEntry>;
      /** Not with `keys`. */
      validate?: undefined;
    }
  | {
      /** Looks a presented key up (a database, a secrets service). */
      validate: ApiKeyValidator;
      /** Not with `validate`. */
      keys?: undefined;
    }
);

interface StoredKey {
  digest: Buffer;
  entry: ApiKeyEntry;
  /** Built on the key's first use; AuthContext is immutable, so every call with the key shares it. */
  context?: AuthContext;
}

/** Keys longer than this are refused without hashing. */
const MAX_API_KEY_LENGTH = 4096;
/** Bytes of the digest used as the map key; the rest is compared in constant time. */
const DIGEST_PREFIX_BYTES = 8;
const MIN_GENERATED_BYTES = 32;

/**
 * Authenticates `credentials.api_key` against a fixed key map or a validator function. The map
 * holds only SHA-256 digests of the keys, found by a digest prefix and confirmed with
 * `crypto.timingSafeEqual`, so neither the lookup nor the comparison leaks the key through timing.
 *
 * @example
 * const apiKeys = new ApiKeyProvider({
 *   keys: { [process.env.ADMIN_KEY!]: { userId: 'admin', roles: ['admin'], scopes: ['admin:write'] } },
 * });
 * const result = await apiKeys.authenticate({ api_key: presentedKey });
 *
 * // Or look keys up yourself:
 * new ApiKeyProvider({ validate: async (key) => db.findApiKeyOwner(key) });
 * const fresh = ApiKeyProvider.generateKey('mcp_'); // 'mcp_' + 43 base64url characters
 */
export class ApiKeyProvider implements AuthProvider {
  readonly name: string;
  readonly credentialKind = 'api_key' as const;
  private readonly byDigestPrefix?: Map<string, StoredKey[]>;
  private readonly validate?: ApiKeyValidator;

  constructor(options: ApiKeyProviderOptions) {
    this.name = options.name ?? 'api-key';
    if (options.keys !== undefined && options.validate === undefined) {
      this.byDigestPrefix = indexKeys(options.keys);
    } else if (typeof options.validate === 'function' && options.keys === undefined) {
      this.validate = options.validate;
    } else {
      throw new TypeError('ApiKeyProvider needs exactly one of `keys` or `validate`');
    }
  }

  /**
   * A new random API key: `prefix` followed by `bytes` (at least 32) bytes from the CSPRNG,
   * base64url-encoded.
   */
  static generateKey(prefix = '', bytes = MIN_GENERATED_BYTES): string {
    if (!Number.isSafeInteger(bytes) || bytes < MIN_GENERATED_BYTES) {
      throw new RangeError(`API keys need at least ${MIN_GENERATED_BYTES} random bytes`);
    }
    return prefix + nodeCrypto().randomBytes(bytes).toString('base64url');
  }

  /** Checks `credentials.api_key` against the keys (timing-safe) or the validator. */
  async authenticate(credentials: Credentials): Promise<AuthResult> {
    const key = credentials.api_key;
    if (typeof key !== 'string' || key === '' || key.length > MAX_API_KEY_LENGTH) return invalidKey();
    if (this.byDigestPrefix) {
      const stored = this.lookUp(key);
      if (!stored) return invalidKey();
      stored.context ??= contextFor(stored.entry, this.name);
      return { success: true, context: stored.context };
    }
    let entry: ApiKeyEntry | null | undefined;
    try {
      entry = await this.validate!(key);
    } catch {
      // The validator's error may quote the key; report only that the lookup failed.
      return { success: false, reason: 'provider_unavailable', error: 'API key validation failed' };
    }
    if (!entry || typeof entry.userId !== 'string' || entry.userId === '') return invalidKey();
    return { success: true, context: contextFor(entry, this.name) };
  }

  /** An `api-key` flow provider. */
  describe(): ProviderDescription {
    const scopes = new Set<string>();
    for (const bucket of this.byDigestPrefix?.values() ?? []) {
      for (const { entry } of bucket) grantList(entry.scopes).forEach((s) => scopes.add(s));
    }
    const description: ProviderDescription = { name: this.name, type: 'api-key', flows: ['api-key'] };
    return scopes.size > 0 ? { ...description, scopes: [...scopes].sort() } : description;
  }

  private lookUp(key: string): StoredKey | undefined {
    const digest = digestOf(key);
    const candidates = this.byDigestPrefix!.get(prefixOf(digest)) ?? [];
    const { timingSafeEqual } = nodeCrypto();
    return candidates.find((candidate) => timingSafeEqual(candidate.digest, digest));
  }
}

function indexKeys(keys: Record<string, ApiKeyEntry>): Map<string, StoredKey[]> {
  const index = new Map<string, StoredKey[]>();
  for (const [key, entry] of Object.entries(keys)) {
    if (key === '') throw new TypeError('API keys must not be empty');
    if (typeof entry?.userId !== 'string' || entry.userId === '') {
      throw new TypeError('Every API key entry needs a non-empty `userId`');
    }
    const digest = digestOf(key);
    const bucket = index.get(prefixOf(digest)) ?? [];
    // A copy, so later changes to the options object cannot widen what a key grants.
    const grants = { scopes: grantList(entry.scopes), roles: grantList(entry.roles) };
    bucket.push({ digest, entry: { ...entry, ...grants, permissions: grantList(entry.permissions) } });
    index.set(prefixOf(digest), bucket);
  }
  return index;
}

function digestOf(key: string): Buffer {
  return Buffer.from(hashToken(key), 'base64url');
}

function prefixOf(digest: Buffer): string {
  return digest.subarray(0, DIGEST_PREFIX_BYTES).toString('hex');
}

function contextFor(entry: ApiKeyEntry, provider: string): AuthContext {
  return new AuthContext({
    userId: entry.userId,
    username: entry.username,
    provider,
    scopes: grantList(entry.scopes),
    roles: grantList(entry.roles),
    permissions: grantList(entry.permissions),
    metadata: entry.metadata,
  });
}

function invalidKey(): AuthResult {
  return { success: false, reason: 'invalid_token', error: 'API key is not valid' };
}
