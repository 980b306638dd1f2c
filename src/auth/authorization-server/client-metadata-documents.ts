import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { LRUCache } from 'lru-cache';
import { createLruCache } from '../../lru-cache';
import { mayConnectTo } from './address-policy';
import { MAX_CIMD_CACHE_SECONDS, type AuthorizationServerSettings } from './authorization-server-options';
import { isLoopbackHostname, redirectUriProblem } from './redirect-uris';

/** A validated client ID metadata document (only the members used here). */
export interface ClientMetadataDocument {
  client_id: string;
  redirect_uris: string[];
  client_name?: string;
  grant_types: string[];
}

/** Why a client id URL or its document cannot be used. The message names no response content. */
export class ClientMetadataDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientMetadataDocumentError';
  }
}

type Settings = AuthorizationServerSettings['clientIdMetadataDocuments'];
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token']);

/**
 * Fetches client ID metadata documents with every limit in place: the host is resolved first and
 * refused if any address is not public (loopback only with `allowHttpLoopback`), the connection
 * goes to that pinned address (TLS still checks the host name), no redirects, no cookies or
 * credentials, at most `maxBytes` read, `timeoutMs` for the whole fetch. Valid documents are cached
 * (LRU, 1000) for as long as their `Cache-Control`/`Expires` say, else `cacheSeconds`, never above
 * a day; failures are not cached.
 */
export class ClientMetadataDocuments {
  private readonly cache = createLruCache<string, ClientMetadataDocument>({ max: 1000, ttl: MAX_CIMD_CACHE_SECONDS * 1000 });
  private readonly inFlight = new Map<string, Promise<ClientMetadataDocument>>();

  constructor(private readonly settings: Settings) {}

  /** Why `clientId` cannot be a metadata document URL, or undefined. */
  urlProblem(clientId: string): string | undefined {
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      return 'is not a URL';
    }
    const loopbackHttp = url.protocol === 'http:' && isLoopbackHostname(url.hostname);
    if (url.protocol !== 'https:' && !(loopbackHttp && this.settings.allowHttpLoopback)) return 'must be an https: URL';
    if (url.href !== clientId) return 'must be written in its normal form';
    if (url.pathname === '/' || url.hash !== '' || url.username !== '' || url.password !== '') {
      return 'must have a path and no fragment or credentials';
    }
    return undefined;
  }

  /** The document for `clientId`, from the cache or fetched now. Throws `ClientMetadataDocumentError`. */
  async get(clientId: string): Promise<ClientMetadataDocument> {
    const problem = this.urlProblem(clientId);
    if (!this.settings.enabled || problem) throw new ClientMetadataDocumentError(`The client id ${problem ?? 'is not registered'}`);
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    let pending = this.inFlight.get(clientId);
    if (!pending) {
      pending = this.fetchAndCache(clientId).finally(() => this.inFlight.delete(clientId));
      this.inFlight.set(clientId, pending);
    }
    return pending;
  }

  private async fetchAndCache(clientId: string): Promise<ClientMetadataDocument> {
    const { body, cacheSeconds } = await this.fetch(new URL(clientId));
    const document = validateDocument(body, clientId);
    if (cacheSeconds > 0) this.cache.set(clientId, document, { ttl: cacheSeconds * 1000 });
    return document;
  }

  private async fetch(url: URL): Promise<{ body: unknown; cacheSeconds: number }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
    try {
      const address = await this.resolve(url.hostname, controller.signal);
      return await this.download(url, address, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw new ClientMetadataDocumentError(`The client metadata document did not arrive within ${this.settings.timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The address to connect to: every address of the host must be one we may reach. */
  private async resolve(hostname: string, signal: AbortSignal): Promise<{ address: string; family: number }> {
    const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    let addresses: { address: string; family: number }[];
    if (isIP(bare) !== 0) {
      addresses = [{ address: bare, family: isIP(bare) }];
    } else {
      try {
        addresses = await abortable(dnsLookup(bare, { all: true, verbatim: true }), signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new ClientMetadataDocumentError('The client metadata document’s host does not resolve');
      }
    }
    if (addresses.length === 0 || addresses.some((a) => !mayConnectTo(a.address, this.settings.allowHttpLoopback))) {
      throw new ClientMetadataDocumentError('The client metadata document’s host resolves to an address that is not public');
    }
    return addresses[0];
  }

  private download(url: URL, pinned: { address: string; family: number }, signal: AbortSignal): Promise<{ body: unknown; cacheSeconds: number }> {
    // Connect to the address checked above, never to what a second resolution might say.
    const lookup: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(url, {
        method: 'GET',
        headers: { Accept: 'application/json', 'User-Agent': 'nextmcp' },
        agent: false,
        lookup,
        signal,
      });
      request.on('error', () => reject(signal.aborted ? signal.reason : new ClientMetadataDocumentError('The client metadata document could not be fetched')));
      request.on('response', (response) => {
        this.readResponse(response).then(resolve, (error: unknown) => {
          request.destroy();
          reject(error);
        });
      });
      request.end();
    });
  }

  private async readResponse(response: IncomingMessage): Promise<{ body: unknown; cacheSeconds: number }> {
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400) throw new ClientMetadataDocumentError('The client metadata document URL redirects; redirects are not followed');
    if (status !== 200) throw new ClientMetadataDocumentError(`The client metadata document URL answered HTTP ${status}`);
    const limit = this.settings.maxBytes;
    if (Number(response.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new ClientMetadataDocumentError('The client metadata document is not JSON');
    }
    return { body, cacheSeconds: this.cacheSecondsOf(response) };
  }

  /** `Cache-Control: max-age`, else `Expires`, else the configured default; at most a day. */
  private cacheSecondsOf(response: IncomingMessage): number {
    const control = String(response.headers['cache-control'] ?? '').toLowerCase();
    let seconds: number | undefined;
    if (/\b(no-store|no-cache)\b/.test(control)) seconds = 0;
    else {
      const maxAge = /\bmax-age=(\d+)/.exec(control)?.[1];
      if (maxAge !== undefined) seconds = Number(maxAge);
      else if (response.headers.expires !== undefined) {
        const expires = Date.parse(response.headers.expires);
        const now = Date.parse(String(response.headers.date ?? '')) || Date.now();
        seconds = Number.isFinite(expires) ? Math.floor((expires - now) / 1000) : 0;
      }
    }
    return Math.max(0, Math.min(seconds ?? this.settings.cacheSeconds, MAX_CIMD_CACHE_SECONDS));
  }
}

function validateDocument(body: unknown, clientId: string): ClientMetadataDocument {
  const doc = body as Record<string, unknown>;
  const invalid = (problem: string) => new ClientMetadataDocumentError(`The client metadata document ${problem}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('is not a JSON object');
  if (doc.client_id !== clientId) throw invalid('names another client_id than its URL');
  if (!Array.isArray(doc.redirect_uris) || doc.redirect_uris.length === 0) throw invalid('has no redirect_uris');
  for (const uri of doc.redirect_uris) if (redirectUriProblem(uri)) throw invalid('has a redirect URI that is not allowed');
  if (doc.token_endpoint_auth_method !== 'none') throw invalid('must use token_endpoint_auth_method "none"');
  const grantTypes = doc.grant_types === undefined ? ['authorization_code'] : doc.grant_types;
  if (!Array.isArray(grantTypes) || grantTypes.some((g) => !GRANT_TYPES.has(g))) throw invalid('asks for grant types this server does not offer');
  if (doc.response_types !== undefined && (!Array.isArray(doc.response_types) || doc.response_types.some((r) => r !== 'code'))) {
    throw invalid('asks for response types other than "code"');
  }
  return {
    client_id: clientId,
    redirect_uris: [...(doc.redirect_uris as string[])],
    client_name: typeof doc.client_name === 'string' ? doc.client_name.slice(0, 200) : undefined,
    grant_types: [...(grantTypes as string[])],
  };
}

function tooLarge(limit: number): ClientMetadataDocumentError {
  return new ClientMetadataDocumentError(`The client metadata document is larger than ${limit} bytes`);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
