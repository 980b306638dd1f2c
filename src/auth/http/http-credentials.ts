import type { IncomingMessage } from 'node:http';
import type { Credentials } from '../provider';

/** A request whose credentials are ambiguous or misplaced: answered 400 `invalid_request`. */
export class InvalidAuthRequestError extends Error {
  readonly httpStatus = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuthRequestError';
  }
}

const QUERY_CREDENTIALS = ['access_token', 'api_key', 'token'];

/**
 * Credentials of an HTTP request. The bearer token comes from exactly one `Authorization` header:
 * Node keeps only the first of repeated `Authorization` headers, so the raw headers are counted;
 * and tokens in the query string (which end up in logs and browser history) are refused.
 */
export function readHttpCredentials(req: IncomingMessage): Credentials | undefined {
  let authorizationHeaders = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'authorization') authorizationHeaders++;
  }
  if (authorizationHeaders > 1) throw new InvalidAuthRequestError('More than one Authorization header');
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  if (QUERY_CREDENTIALS.some((name) => query.has(name))) {
    throw new InvalidAuthRequestError('Credentials are not accepted in the query string');
  }
  return credentialsFromHeaders(req.headers);
}

/** `Authorization: Bearer <token>` (scheme case-insensitive) and `X-API-Key: <key>`. */
function credentialsFromHeaders(headers: IncomingMessage['headers']): Credentials | undefined {
  const creds: Credentials = {};
  const authorization = single(headers.authorization);
  if (authorization !== undefined) {
    const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) creds.access_token = match[1];
    else creds.malformed = true;
  }
  const apiKey = single(headers['x-api-key']);
  if (apiKey !== undefined) creds.api_key = apiKey;
  return Object.keys(creds).length > 0 ? creds : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
