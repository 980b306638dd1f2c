import type { IncomingMessage } from 'node:http';
import type { AdmittedRequest, HttpAdmission, HttpRefusal, ResourceInfo } from './http-admission';
import { isDecidedMethod, type TargetRegistry } from '../../server/target-registry';
import type { Target } from '../../metadata/targets';
import { hasBodyCredentials } from '../../pipeline/credentials';
import type { ServerAuth } from '../server-auth';
import type { Caller } from '../authenticator';
import { AuthenticationError, AuthorizationError, ScopeInsufficientError } from '../errors';
import type { Credentials } from '../provider';
import { presentedCredential } from '../credential-routing';
import { bearerChallenge } from './bearer-challenge';
import { InvalidAuthRequestError, readHttpCredentials } from './http-credentials';
import type { ProtectedResourceMetadata } from './protected-resource-metadata';
import type { DecidedRequest } from '../events/decision-events';

interface RequestMessage {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * The MCP authorization spec over HTTP: the server as an OAuth resource server. Every MCP request
 * is authenticated and its calls decided here, before the SDK transport, so a refusal is a real
 * 401 (with a `WWW-Authenticate` challenge pointing at the RFC 9728 metadata), a 403
 * `insufficient_scope` naming every scope the call needs, or a 503 when the provider is down. The
 * decision is each target's compiled access; the pipeline takes it over and does not decide again.
 */
export class HttpAuthGate implements HttpAdmission {
  // Refusals of requests that carried a token get `error="invalid_token"` in the challenge.
  private readonly tokenSent = new WeakSet<Error>();

  constructor(
    private readonly auth: ServerAuth,
    private readonly registry: TargetRegistry,
    private readonly serverName: string,
    private readonly authorizationServers?: string[],
  ) {}

  async admit(messages: readonly unknown[], req: IncomingMessage, resource: ResourceInfo): Promise<AdmittedRequest> {
    const credentials = readHttpCredentials(req);
    if (messages.some(hasBodyCredentials)) {
      throw new InvalidAuthRequestError('Send credentials in the Authorization (or X-API-Key) header, not in the message body');
    }
    try {
      return await this.decide(messages.filter(isRequestMessage), credentials, resource, req.method ?? 'POST');
    } catch (error) {
      if (credentials && error instanceof Error) this.tokenSent.add(error);
      throw error;
    }
  }

  /**
   * Authenticates once and decides each call that is not `initialize`, `ping` or a listing; every call decided here is reported once
   * (`auth:allowed`/`auth:denied`), and a refusal before any call was decided is reported for each
   * request (with its HTTP method when the request carries no JSON-RPC message).
   */
  private async decide(requests: RequestMessage[], credentials: Credentials | undefined, resource: ResourceInfo, httpMethod: string): Promise<AdmittedRequest> {
    const calls: DecidedRequest[] = requests.map((r) => ({ method: r.method, target: this.registry.targetOf(r.method, r.params), transport: 'http' }));
    // Everything but initialize, ping and listings is decided here (calls to unknown targets too).
    const toDecide = calls.filter((call) => isDecidedMethod(call.method));
    const credential = credentials && presentedCredential(credentials);
    const token = credential?.kind === 'bearer' ? credential.value : '';
    // With no provider configured, credentials are passed on unverified (as ctx.credentials) for
    // the application's own middleware; nothing here can check them.
    const checkable = credentials && this.auth.providerNames().length > 0 ? credentials : undefined;
    let caller: Caller | undefined;
    let deciding: DecidedRequest | undefined;
    const decided = new Set<Target | undefined>();
    try {
      caller = checkable ? await this.authenticate(checkable, undefined, resource) : undefined;
      const required = this.auth.requiredMiddleware;
      if (!caller && required) {
        throw new AuthenticationError('Authentication required', { providers: this.auth.providerNames(), requiredScopes: required.requiredScopes });
      }
      for (const call of toDecide) {
        deciding = call;
        const access = this.auth.accessOf(call.target);
        const named = access.providerName;
        if (access.requiresAuth && checkable && named !== undefined && caller?.auth.provider !== named) {
          caller = await this.authenticate(checkable, named, resource);
        }
        access.check(caller?.auth);
        decided.add(call.target);
      }
    } catch (error) {
      const refused = deciding ? [deciding] : calls.length > 0 ? calls : [{ method: httpMethod, target: undefined, transport: 'http' as const }];
      for (const call of refused) this.auth.decisions.denied(call, caller?.auth, error);
      throw error;
    }
    for (const call of toDecide) this.auth.decisions.allowed(call, caller?.auth);
    return { credentials, auth: caller?.auth, session: caller?.session, decided, token };
  }

  /** Authenticates, then checks the token was meant for this resource (RFC 8707 audience). */
  private async authenticate(credentials: Credentials, providerName: string | undefined, resource: ResourceInfo): Promise<Caller> {
    const caller = await this.auth.authenticate(credentials, providerName);
    const provider = this.auth.providers.get(caller.auth.provider);
    const aud = caller.auth.claims.aud;
    // A JWT access token must name its audience (RFC 9068 §2.2): one without `aud` could be for anyone.
    const mustNameAudience = aud !== undefined || provider?.describe?.().type === 'jwt';
    if (provider?.audience === undefined && mustNameAudience && !audienceIncludes(aud, resource.resourceUrl)) {
      throw new AuthenticationError('The token was not issued for this resource', { reason: 'invalid_token', providers: [caller.auth.provider] });
    }
    return caller;
  }

  refusal(error: unknown, resource: ResourceInfo): HttpRefusal | undefined {
    const resourceMetadata = resource.metadataUrl;
    if (error instanceof InvalidAuthRequestError) {
      return {
        status: 400,
        headers: { 'www-authenticate': bearerChallenge({ error: 'invalid_request', errorDescription: error.message, resourceMetadata }) },
        error: { code: -32600, message: error.message },
      };
    }
    if (error instanceof AuthenticationError) {
      // A provider's refusal does not know what the server requires; the body and the challenge
      // both name the scopes to ask for.
      const scope = error.data.required_scopes.length > 0 ? error.data.required_scopes : [...(this.auth.requiredMiddleware?.requiredScopes ?? [])];
      const headers: Record<string, string> = {};
      if (error.httpStatus === 401) {
        headers['www-authenticate'] = bearerChallenge({
          error: this.tokenSent.has(error) ? 'invalid_token' : undefined,
          errorDescription: this.tokenSent.has(error) ? error.message : undefined,
          scope,
          resourceMetadata,
        });
      } else {
        headers['retry-after'] = '5';
      }
      const body = error.toJSONRPC();
      return { status: error.httpStatus, headers, error: { ...body, data: { ...body.data, required_scopes: scope } } };
    }
    if (error instanceof ScopeInsufficientError) {
      return {
        status: 403,
        headers: {
          'www-authenticate': bearerChallenge({
            error: 'insufficient_scope',
            errorDescription: error.message,
            scope: error.data.required_scopes,
            resourceMetadata,
          }),
        },
        error: error.toJSONRPC(),
      };
    }
    if (error instanceof AuthorizationError) return { status: 403, headers: {}, error: error.toJSONRPC() };
    return undefined;
  }

  protectedResourceMetadata(resource: ResourceInfo): ProtectedResourceMetadata {
    const servers =
      this.authorizationServers ??
      [...new Set(this.auth.providers.all().map((p) => p.describe?.().issuer).filter((i): i is string => typeof i === 'string'))];
    const scopes = this.auth.knownScopes();
    return {
      resource: resource.resourceUrl,
      ...(servers.length > 0 && { authorization_servers: servers }),
      ...(scopes.length > 0 && { scopes_supported: scopes }),
      bearer_methods_supported: ['header'],
      resource_name: this.serverName,
    };
  }
}

function isRequestMessage(message: unknown): message is RequestMessage {
  return typeof message === 'object' && message !== null && typeof (message as RequestMessage).method === 'string' && 'id' in message;
}

function audienceIncludes(aud: unknown, resourceUrl: string): boolean {
  const wanted = resourceUrl.replace(/\/$/, '');
  const values = Array.isArray(aud) ? aud : [aud];
  return values.some((v) => typeof v === 'string' && v.replace(/\/$/, '') === wanted);
}
