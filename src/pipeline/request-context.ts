import { inspect } from 'node:util';
import type { DependencyContainer } from 'tsyringe';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { AuthContext } from '../auth/auth-context';
import type { Credentials } from '../auth/provider';
import type { SessionData } from '../session/session-data';
import type { Target } from '../metadata/targets';
import { AUTH_CONTEXT } from '../di/tokens';
import { POLICY_ENFORCED } from './policy-enforced';
import { CONNECTION_CALLER, type ConnectionCaller } from '../auth/connection-caller';

const NO_HEADERS: HeaderMap = Object.freeze({});

/** How the request arrived. */
export type TransportKind = 'stdio' | 'http' | 'in-memory' | 'custom';

/** HTTP request headers, lower-cased names (empty on stdio and in memory). */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** What the server builds a `RequestContext` from (one per request; applications do not construct them). */
export interface RequestContextInit {
  method: string;
  params: Record<string, unknown>;
  target?: Target;
  credentials?: Credentials;
  auth?: AuthContext;
  session?: SessionData;
  transport: TransportKind;
  headers?: HeaderMap;
  parentContainer: DependencyContainer;
  signal: AbortSignal;
  requestId: RequestId;
  sessionId?: string;
  /** Sends a notification tied to this request (progress, log messages). */
  notify: (notification: { method: string; params?: Record<string, unknown> }) => Promise<void>;
}

/**
 * Everything the pipeline knows about one request. Middleware reads and sets `auth`, `session`
 * and `state`; `container` is a child container of the server's in which `AUTH_CONTEXT` is the
 * caller's `AuthContext` (or `undefined`).
 */
export class RequestContext {
  /** The JSON-RPC method (`tools/call`, `tools/list`, …). */
  readonly method: string;
  /** The tool, resource or prompt addressed (for `tools/call`, `resources/read`, `prompts/get`). */
  target?: Target;
  /** The request's params, credentials taken out. */
  readonly params: Record<string, unknown>;
  /** Credentials as the client sent them (unverified). */
  credentials?: Credentials;
  /** The verified caller. Only server-side code sets it; nothing in the request can. */
  auth?: AuthContext;
  /** The caller's OAuth provider session (their own copy), when a session store is in use. */
  session?: SessionData;
  /** How the request arrived. */
  readonly transport: TransportKind;
  /** The HTTP headers (empty on stdio and in memory). */
  readonly headers: HeaderMap;
  /** Aborted when the client cancels or the connection closes. */
  readonly signal: AbortSignal;
  /** The JSON-RPC id. */
  readonly requestId: RequestId;
  /** The MCP session id (stateful HTTP), when there is one. */
  readonly sessionId?: string;
  /** Sends a notification tied to this request (progress, log messages). */
  readonly notify: RequestContextInit['notify'];
  /** Set once the call's access has been decided (by the HTTP gate, the auth middleware or the target stage). */
  [POLICY_ENFORCED] = false;
  /** @internal What the request's connection remembers of its last token's caller (stdio, in memory). */
  [CONNECTION_CALLER]?: ConnectionCaller;

  private _state?: Record<string | symbol, unknown>;
  private _container?: DependencyContainer;
  private readonly parentContainer: DependencyContainer;

  /** @hidden The server builds one per request; not constructed directly. */
  constructor(init: RequestContextInit) {
    this.method = init.method;
    this.params = init.params;
    this.target = init.target;
    this.credentials = init.credentials;
    this.auth = init.auth;
    this.session = init.session;
    this.transport = init.transport;
    this.headers = init.headers ?? NO_HEADERS;
    this.parentContainer = init.parentContainer;
    this.signal = init.signal;
    this.requestId = init.requestId;
    this.sessionId = init.sessionId;
    this.notify = init.notify;
  }

  /** Free-form state shared by middleware for this request. */
  get state(): Record<string | symbol, unknown> {
    return (this._state ??= {});
  }

  /** Request-scoped child container, created on first use. */
  get container(): DependencyContainer {
    if (!this._container) {
      this._container = this.parentContainer.createChildContainer();
      // A factory, not useValue: tsyringe ignores an undefined useValue, and auth may change later.
      this._container.register(AUTH_CONTEXT, { useFactory: () => this.auth });
    }
    return this._container;
  }

  /**
   * Console output without secrets: credential values and header values are left out (an
   * `Authorization` header is a token), and so is the session (it holds the provider's tokens).
   */
  [inspect.custom](depth: number, options: object): string {
    return `RequestContext ${inspect(this.withoutSecrets(), { ...options, depth })}`;
  }

  /** The same for JSON (`JSON.stringify`, and loggers such as pino that serialise objects). */
  toJSON(): Record<string, unknown> {
    return this.withoutSecrets();
  }

  private withoutSecrets(): Record<string, unknown> {
    const credentials = this.credentials && Object.fromEntries(Object.keys(this.credentials).map((key) => [key, key === 'provider' ? this.credentials![key] : '[redacted]']));
    return {
      method: this.method,
      target: this.target?.name,
      transport: this.transport,
      requestId: this.requestId,
      sessionId: this.sessionId,
      credentials,
      headers: Object.keys(this.headers),
      auth: this.auth,
    };
  }
}
