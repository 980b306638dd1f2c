import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../token-hash';
import type { AuthorizationServerSettings, PreRegisteredClient } from './authorization-server-options';
import { ClientMetadataDocumentError, ClientMetadataDocuments } from './client-metadata-documents';
import { OAuthError } from './oauth-error';
import { recordKeys, type AuthorizationRecords, type ClientRecord } from './records';

/** An MCP client as the endpoints see it, however it came to be known. */
export interface KnownClient {
  clientId: string;
  name?: string;
  redirectUris: readonly string[];
  grantTypes: readonly string[];
  /** SHA-256 of its secret, for a confidential client. */
  secretHash?: string;
  kind: 'registered' | 'pre-registered' | 'metadata-document';
  /** Skips consent (pre-registered `trusted` clients only). */
  trusted: boolean;
}

/** How a token or revocation request identified its client (RFC 6749 §2.3.1). */
export interface PresentedClient {
  clientId: string;
  secret?: string;
}

/** Why a client id is not usable at `/authorize` (shown on a page, never followed by a redirect). */
export class UnknownClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownClientError';
  }
}

/**
 * Finds clients: registered through `/register` (`client:{id}` records), pre-registered in the
 * options, or identified by a client ID metadata document URL. Secrets are compared as SHA-256
 * digests, in constant time.
 */
export class ClientDirectory {
  readonly documents: ClientMetadataDocuments;
  private readonly preRegistered = new Map<string, KnownClient>();

  constructor(
    private readonly records: AuthorizationRecords,
    private readonly settings: AuthorizationServerSettings,
  ) {
    this.documents = new ClientMetadataDocuments(settings.clientIdMetadataDocuments);
    for (const client of settings.clients) this.preRegistered.set(client.clientId, fromPreRegistered(client));
  }

  /** The client, or an `UnknownClientError` saying why not (fetching its metadata document if it is a URL). */
  async find(clientId: string | undefined): Promise<KnownClient> {
    if (!clientId) throw new UnknownClientError('The request names no client_id');
    const pre = this.preRegistered.get(clientId);
    if (pre) return pre;
    if (/^https?:/i.test(clientId)) {
      if (!this.settings.clientIdMetadataDocuments.enabled) throw new UnknownClientError('This client is not registered');
      try {
        const doc = await this.documents.get(clientId);
        return { clientId, name: doc.client_name, redirectUris: doc.redirect_uris, grantTypes: doc.grant_types, kind: 'metadata-document', trusted: false };
      } catch (error) {
        if (error instanceof ClientMetadataDocumentError) throw new UnknownClientError(error.message);
        throw error;
      }
    }
    const record = await this.records.read<ClientRecord>(recordKeys.client(clientId));
    if (!record) throw new UnknownClientError('This client is not registered (or its registration expired)');
    return {
      clientId,
      name: record.client_name,
      redirectUris: record.redirect_uris,
      grantTypes: record.grant_types,
      secretHash: record.client_secret_sha256,
      kind: 'registered',
      trusted: false,
    };
  }

  /**
   * The client a token-endpoint request authenticated as: `invalid_client` (401) for an unknown
   * client or a wrong or missing secret of a confidential one.
   */
  async authenticate(presented: PresentedClient): Promise<KnownClient> {
    let client: KnownClient;
    try {
      client = await this.find(presented.clientId);
    } catch (error) {
      if (error instanceof UnknownClientError) throw new OAuthError('invalid_client', 'Client authentication failed');
      throw error;
    }
    if (client.secretHash !== undefined && (presented.secret === undefined || !sameDigest(hashToken(presented.secret), client.secretHash))) {
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }
    return client;
  }

  /** Stores a registered client for `clientTtlSeconds` (again on each token issued: the TTL slides). */
  async save(record: ClientRecord): Promise<void> {
    await this.records.write(recordKeys.client(record.client_id), record, this.settings.clientTtlSeconds);
  }

  /** Extends a registered client's life after a token was issued to it. */
  async touch(client: KnownClient): Promise<void> {
    if (client.kind !== 'registered') return;
    const record = await this.records.read<ClientRecord>(recordKeys.client(client.clientId));
    if (record) await this.save(record);
  }
}

/** A new client id or secret: 256 bits from the CSPRNG. */
export function newClientCredential(): string {
  return randomBytes(32).toString('base64url');
}

function fromPreRegistered(client: PreRegisteredClient): KnownClient {
  return {
    clientId: client.clientId,
    name: client.clientName,
    redirectUris: client.redirectUris,
    grantTypes: ['authorization_code', 'refresh_token'],
    secretHash: client.clientSecret === undefined ? undefined : hashToken(client.clientSecret),
    kind: 'pre-registered',
    trusted: client.trusted === true,
  };
}

function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
