import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashToken } from '../token-hash';
import type { AuthorizationServerContext } from './authorization-server-context';
import { newClientCredential } from './client-directory';
import { readJson, sendJson } from './http-exchange';
import { OAuthError } from './oauth-error';
import type { ClientRecord } from './records';
import { matchesAllowedRedirect, redirectUriProblem } from './redirect-uris';

const AUTH_METHODS = new Set(['none', 'client_secret_basic', 'client_secret_post']);
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token']);
const URL_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;
const TEXT_FIELDS = ['client_name', 'scope', 'software_id', 'software_version'] as const;

/**
 * `POST /register` (RFC 7591). Redirect URIs: 1…`maxRedirectUris`, absolute, no fragment, `https:`,
 * `http:` only on loopback, or a native app's own scheme; and matching `allowedRedirectUris` when
 * set. A client that does not choose `token_endpoint_auth_method: none` gets a secret (shown once,
 * stored only as SHA-256).
 */
export async function handleRegister(ctx: AuthorizationServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const metadata = await readJson(req);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new OAuthError('invalid_client_metadata', 'The body must be a JSON object of client metadata');
  }
  const record = clientRecord(ctx, metadata as Record<string, unknown>);
  let secret: string | undefined;
  if (record.token_endpoint_auth_method !== 'none') {
    secret = newClientCredential();
    record.client_secret_sha256 = hashToken(secret);
  }
  await ctx.clients.save(record);
  const { client_secret_sha256: _digest, ...stored } = record;
  sendJson(res, 201, { ...stored, ...(secret !== undefined && { client_secret: secret, client_secret_expires_at: 0 }) }, { cors: true });
}

function clientRecord(ctx: AuthorizationServerContext, metadata: Record<string, unknown>): ClientRecord {
  const { maxRedirectUris, allowedRedirectUris } = ctx.settings.registration;
  const uris = metadata.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) throw new OAuthError('invalid_redirect_uri', 'redirect_uris must list at least one URI');
  if (uris.length > maxRedirectUris) throw new OAuthError('invalid_redirect_uri', `At most ${maxRedirectUris} redirect URIs may be registered`);
  uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uris[${i}] ${problem}`);
    if (allowedRedirectUris && !matchesAllowedRedirect(uri as string, allowedRedirectUris)) {
      throw new OAuthError('invalid_redirect_uri', `redirect_uris[${i}] is not allowed on this server`);
    }
  });
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !AUTH_METHODS.has(method)) {
    throw new OAuthError('invalid_client_metadata', 'token_endpoint_auth_method must be none, client_secret_basic or client_secret_post');
  }
  const grantTypes = stringList(metadata.grant_types, ['authorization_code'], 'grant_types');
  if (grantTypes.some((g) => !GRANT_TYPES.has(g))) throw new OAuthError('invalid_client_metadata', 'grant_types may only be authorization_code and refresh_token');
  const responseTypes = stringList(metadata.response_types, ['code'], 'response_types');
  if (responseTypes.some((r) => r !== 'code')) throw new OAuthError('invalid_client_metadata', 'response_types may only be code');

  const record: ClientRecord = {
    client_id: newClientCredential(),
    client_id_issued_at: Math.floor(Date.now() / 1000),
    redirect_uris: [...(uris as string[])],
    token_endpoint_auth_method: method as ClientRecord['token_endpoint_auth_method'],
    grant_types: grantTypes,
    response_types: responseTypes,
  };
  for (const field of TEXT_FIELDS) {
    const value = metadata[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > 1000) throw new OAuthError('invalid_client_metadata', `${field} must be a string of at most 1000 characters`);
    record[field] = value;
  }
  for (const field of URL_FIELDS) {
    const value = metadata[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > 2000 || !/^https?:\/\//i.test(value) || !URL.canParse(value)) {
      throw new OAuthError('invalid_client_metadata', `${field} must be an http(s) URL`);
    }
    record[field] = value;
  }
  if (metadata.contacts !== undefined) record.contacts = stringList(metadata.contacts, [], 'contacts');
  return record;
}

function stringList(value: unknown, fallback: string[], name: string): string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length > 20 || value.some((v) => typeof v !== 'string' || v.length > 500)) {
    throw new OAuthError('invalid_client_metadata', `${name} must be an array of strings`);
  }
  return [...new Set(value as string[])];
}
