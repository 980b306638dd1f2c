import { hashToken } from '../token-hash';
import type { AuthorizationStore } from './authorization-store';

/** Who logged in upstream, as kept with a grant: roles and permissions at login or last refresh. */
export interface UpstreamIdentity {
  userId: string;
  username?: string;
  roles: string[];
  permissions: string[];
}

/** `client:{client_id}` — a dynamically registered client (RFC 7591 metadata as stored). */
export interface ClientRecord {
  client_id: string;
  client_id_issued_at: number;
  redirect_uris: string[];
  token_endpoint_auth_method: 'none' | 'client_secret_basic' | 'client_secret_post';
  grant_types: string[];
  response_types: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  software_id?: string;
  software_version?: string;
  /** SHA-256 of the client secret; the secret itself is never stored. */
  client_secret_sha256?: string;
}

/** `txn:{id}` — an authorization between `/authorize` and the code (upstream login, then consent). */
export interface TransactionRecord {
  stage: 'upstream' | 'consent';
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  /** The client's `state`, returned as sent. */
  state?: string;
  /** SHA-256 of the browser cookie this transaction is bound to. */
  browser: string;
  /** The PKCE verifier of our own request to the upstream. */
  upstreamVerifier: string;
  createdAt: number;
  /** At the consent stage: who logged in, and the SHA-256 of the form's CSRF value. */
  identity?: UpstreamIdentity;
  csrf?: string;
}

/** `code:{sha256(code)}` — an issued code, or (after its first use) the grant it led to. */
export type CodeRecord =
  | {
      redeemed?: false;
      clientId: string;
      redirectUri: string;
      codeChallenge: string;
      scopes: string[];
      identity: UpstreamIdentity;
      grantId: string;
    }
  | { redeemed: true; grantId: string };

/** `grant:{id}` — what a client was granted for a user; its existence is what makes tokens valid. */
export interface GrantRecord {
  clientId: string;
  identity: UpstreamIdentity;
  scopes: string[];
  createdAt: number;
}

/** `refresh:{sha256(token)}` — a refresh token; once rotated, when. */
export interface RefreshRecord {
  grantId: string;
  clientId: string;
  rotatedAt?: number;
}

/**
 * `refresh:{sha256(token)}:successor` — for the grace window only: the claim on rotating this
 * token, then the outcome every later use gets (the successor response sealed under a key derived
 * from the old token, or the error).
 */
export type SuccessorRecord = { pending: true } | { sealed: string } | { error: string; description: string };

/** `consent:{sha256(user, client, redirect)}` — the scopes a user approved for a client. */
export interface ConsentRecord {
  scopes: string[];
}

/** `user:{userId}` — the user's grants (id → expiry, epoch seconds), for `revokeUser`. */
export interface UserGrantsRecord {
  grants: Record<string, number>;
}

/** Record keys: secrets only ever appear hashed. */
export const recordKeys = {
  client: (clientId: string) => `client:${clientId}`,
  transaction: (id: string) => `txn:${id}`,
  code: (code: string) => `code:${hashToken(code)}`,
  grant: (id: string) => `grant:${id}`,
  refresh: (token: string) => `refresh:${hashToken(token)}`,
  successor: (token: string) => `refresh:${hashToken(token)}:successor`,
  consent: (upstream: string, userId: string, clientId: string, redirectUri: string) =>
    `consent:${hashToken(JSON.stringify([upstream, userId, clientId, redirectUri]))}`,
  user: (upstream: string, userId: string) => `user:${hashToken(JSON.stringify([upstream, userId]))}`,
  userLock: (upstream: string, userId: string) => `user:${hashToken(JSON.stringify([upstream, userId]))}:lock`,
};

/** Typed JSON records over an `AuthorizationStore`; an unreadable record counts as absent (fail closed). */
export class AuthorizationRecords {
  constructor(readonly store: AuthorizationStore) {}

  async read<T>(key: string): Promise<T | null> {
    return parse<T>(await this.store.get(key));
  }

  async take<T>(key: string): Promise<T | null> {
    return parse<T>(await this.store.take(key));
  }

  write<T>(key: string, record: T, ttlSeconds: number, onlyIfAbsent = false): Promise<boolean> {
    return this.store.set(key, JSON.stringify(record), ttlSeconds, { onlyIfAbsent });
  }

  delete(key: string): Promise<boolean> {
    return this.store.delete(key);
  }
}

function parse<T>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null ? (value as T) : null;
  } catch {
    return null;
  }
}
