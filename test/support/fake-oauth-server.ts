import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake route sees it: the body is already read. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as a form (empty for JSON bodies). */
  form: URLSearchParams;
}

export type FakeRoute = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

interface CannedFailure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * A small HTTP server on 127.0.0.1 (port 0) for provider fakes: routes by method and path, counts
 * requests per path, can make a path slow (to exercise timeouts) or fail its next requests, and
 * closes keep-alive connections and pending delays on `stop()`.
 */
export class FakeHttpServer {
  url = '';
  private readonly server: Server;
  private readonly routes = new Map<string, FakeRoute>();
  private readonly counts = new Map<string, number>();
  private readonly delays = new Map<string, number>();
  private readonly failures = new Map<string, CannedFailure[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', this.url || 'http://127.0.0.1');
        const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        const request: FakeRequest = {
          method: req.method ?? 'GET',
          url,
          headers: req.headers,
          body,
          form: new URLSearchParams(isForm ? body : ''),
        };
        this.counts.set(url.pathname, (this.counts.get(url.pathname) ?? 0) + 1);
        const answer = () => this.dispatch(request, res);
        const delay = this.delays.get(url.pathname);
        if (delay === undefined) return void answer();
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void answer();
        }, delay);
        this.timers.add(timer);
      });
    });
  }

  route(method: string, path: string, handler: FakeRoute): this {
    this.routes.set(`${method} ${path}`, handler);
    return this;
  }

  /** Every request to `path` waits `ms` before being answered (0 or undefined: no delay). */
  delay(path: string, ms: number | undefined): this {
    if (ms) this.delays.set(path, ms);
    else this.delays.delete(path);
    return this;
  }

  /** The next `times` requests to `path` get this answer instead of the normal one. */
  failNext(path: string, status: number, body: unknown = {}, options: { times?: number; headers?: Record<string, string> } = {}): this {
    const queue = this.failures.get(path) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++) queue.push({ status, body, headers: options.headers ?? {} });
    this.failures.set(path, queue);
    return this;
  }

  /** How many requests reached `path` since start (or since `resetCounts()`). */
  requestCount(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  resetCounts(): void {
    this.counts.clear();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async dispatch(req: FakeRequest, res: ServerResponse): Promise<void> {
    const failure = this.failures.get(req.url.pathname)?.shift();
    if (failure) {
      const text = typeof failure.body === 'string' ? failure.body : JSON.stringify(failure.body);
      const type = typeof failure.body === 'string' ? 'text/html' : 'application/json';
      res.writeHead(failure.status, { 'Content-Type': type, ...failure.headers }).end(text);
      return;
    }
    const route = this.routes.get(`${req.method} ${req.url.pathname}`);
    if (!route) {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    try {
      await route(req, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

export function sendForm(res: ServerResponse, status: number, body: Record<string, string>): void {
  res
    .writeHead(status, { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' })
    .end(new URLSearchParams(body).toString());
}

export function bearerToken(req: FakeRequest): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Client credentials from HTTP Basic or from the form body (RFC 6749 §2.3.1). */
export function clientCredentials(req: FakeRequest): { id?: string; secret?: string } {
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id.replace(/\+/g, ' ')), secret: decodeURIComponent((secret ?? '').replace(/\+/g, ' ')) };
  }
  return { id: req.form.get('client_id') ?? undefined, secret: req.form.get('client_secret') ?? undefined };
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url')}`;
}

/** What an authorization code was issued for. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  /** The user the fake signs in as. */
  subject: string;
  challenge?: string;
  challengeMethod?: string;
  /** Extra authorization parameters (e.g. Google's access_type). */
  params: Record<string, string>;
}

export type RedeemFailure = 'invalid_grant' | 'redirect_uri_mismatch' | 'invalid_verifier';

/** Single-use authorization codes bound to client, redirect URI and PKCE challenge. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, CodeGrant>();

  issue(grant: CodeGrant): string {
    const code = randomToken('code_');
    this.codes.set(code, grant);
    return code;
  }

  redeem(code: string, request: { clientId?: string; redirectUri?: string; verifier?: string }): CodeGrant | RedeemFailure {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.clientId !== request.clientId) return 'invalid_grant';
    if (request.redirectUri !== undefined && request.redirectUri !== grant.redirectUri) return 'redirect_uri_mismatch';
    if (grant.challenge !== undefined) {
      const expected =
        grant.challengeMethod === 'S256'
          ? createHash('sha256').update(request.verifier ?? '').digest('base64url')
          : request.verifier;
      if (request.verifier === undefined || expected !== grant.challenge) return 'invalid_verifier';
    }
    return grant;
  }
}

/** Handles `GET authorize?…`: issues a code for `subject` and redirects to `redirect_uri`. */
export function authorizeRedirect(req: FakeRequest, res: ServerResponse, codes: AuthorizationCodes, subject: string): void {
  const q = req.url.searchParams;
  const redirectUri = q.get('redirect_uri');
  const clientId = q.get('client_id');
  if (!redirectUri || !clientId) return sendJson(res, 400, { error: 'invalid_request' });
  const target = new URL(redirectUri);
  const code = codes.issue({
    clientId,
    redirectUri,
    scopes: (q.get('scope') ?? '').split(/[\s,]+/).filter((s) => s !== ''),
    subject,
    challenge: q.get('code_challenge') ?? undefined,
    challengeMethod: q.get('code_challenge_method') ?? undefined,
    params: Object.fromEntries(q),
  });
  target.searchParams.set('code', code);
  const state = q.get('state');
  if (state !== null) target.searchParams.set('state', state);
  res.writeHead(302, { Location: target.toString() }).end();
}
