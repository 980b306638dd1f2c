import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { renderLoginPage } from '../oauth/login-page';
import { OAuthError } from './oauth-error';

/** Largest form or JSON body the endpoints read. */
const MAX_BODY_BYTES = 64 * 1024;

/** Every answer: never cached (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Machine endpoints callable from any web origin, never with credentials (no `Allow-Credentials`). */
const CORS = { 'Access-Control-Allow-Origin': '*' };

/**
 * Pages: not cached, not framed, no scripts, no Referer carrying a code-bearing URL to another
 * site. `same-origin` rather than `no-referrer`: with the latter a browser sends `Origin: null` on
 * the consent form's POST, which the DNS-rebinding guard rightly refuses.
 */
const PAGE_HEADERS = {
  ...NO_STORE,
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, options: { cors?: boolean; headers?: Record<string, string> } = {}): void {
  res
    .writeHead(status, { 'Content-Type': 'application/json', ...NO_STORE, ...(options.cors && CORS), ...options.headers })
    .end(JSON.stringify(body));
}

export function sendOAuthError(res: ServerResponse, error: OAuthError, options: { cors?: boolean; headers?: Record<string, string> } = {}): void {
  sendJson(res, error.status, error.toJSON(), options);
}

/** A small HTML page (escaped) or the given HTML, with the page headers. */
export function sendPage(res: ServerResponse, status: number, page: { title: string; message: string } | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, ...headers }).end(typeof page === 'string' ? page : renderLoginPage(page));
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(302, { Location: location, ...NO_STORE, 'Referrer-Policy': 'no-referrer', ...headers }).end();
}

/** Answers a CORS preflight for a machine endpoint. */
export function sendPreflight(res: ServerResponse, methods: string): void {
  res
    .writeHead(204, {
      ...CORS,
      ...NO_STORE,
      'Access-Control-Allow-Methods': methods,
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, MCP-Protocol-Version',
      'Access-Control-Max-Age': '600',
    })
    .end();
}

/** 405 naming the allowed method. */
export function sendMethodNotAllowed(res: ServerResponse, allow: string, cors = false): void {
  sendJson(res, 405, { error: 'invalid_request', error_description: `Use ${allow}` }, { cors, headers: { Allow: allow } });
}

/**
 * An `application/x-www-form-urlencoded` body. A parameter sent twice is an `invalid_request`
 * (RFC 6749 §3.1), reported by `single()`.
 */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  return new URLSearchParams(await readBody(req));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new OAuthError('invalid_client_metadata', 'The body must be application/json');
  }
  try {
    return JSON.parse(await readBody(req)) as unknown;
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError('invalid_client_metadata', 'The body is not valid JSON');
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return await getRawBody(req, { limit: MAX_BODY_BYTES, encoding: 'utf8' });
  } catch {
    throw new OAuthError('invalid_request', `The body could not be read (at most ${MAX_BODY_BYTES} bytes)`);
  }
}

/** The one value of a parameter; absent → undefined; sent more than once → `invalid_request`. */
export function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new OAuthError('invalid_request', `The parameter "${name}" was sent more than once`);
  return values[0] === '' ? undefined : values[0];
}

