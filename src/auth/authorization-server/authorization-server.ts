import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import { AUTHORIZATION_STORE, SESSION_STORE } from '../../di/tokens';
import { StartupError } from '../../startup-error';
import { MemorySessionStore } from '../../session/memory-store';
import type { SessionStore } from '../../session/session-store';
import { AuthContext } from '../auth-context';
import type { ServerAuth } from '../server-auth';
import type { AuthProvider, AuthResult, Credentials, ProviderDescription } from '../provider';
import { AccessTokenError, AccessTokens } from './access-tokens';
import type { AuthorizationStore } from './authorization-store';
import type { AuthorizationServerContext } from './authorization-server-context';
import { describeError, type Logger } from '../../logging/logger';
import {
  checkIssuer,
  readAuthorizationServerOptions,
  type AuthorizationServerOptions,
  type AuthorizationServerSettings,
} from './authorization-server-options';
import type { endpointsByPath } from './authorization-server-routes';

/* eslint-disable @typescript-eslint/no-require-imports */
/** The endpoints (and what they need: pages, client registration, metadata documents) load when a listener binds the server. */
const endpointModules = () => ({
  routes: require('./authorization-server-routes') as typeof import('./authorization-server-routes'),
  clients: require('./client-directory') as typeof import('./client-directory'),
});
/* eslint-enable @typescript-eslint/no-require-imports */
import { Grants } from './grants';
import { MemoryAuthorizationStore } from './memory-authorization-store';
import { AuthorizationRecords } from './records';
import { completeSigningKey, parseSigningKey, type ParsedSigningKey } from './signing-key';
import { UpstreamRefusedError, UpstreamSessions, UpstreamUnavailableError } from './upstream-sessions';

/** What the authorization server reads from the server it is part of. */
export interface AuthorizationServerEnvironment {
  container: DependencyContainer;
  auth: ServerAuth;
}

interface Binding {
  issuer: string;
  resource: string;
  endpoints: ReturnType<typeof endpointsByPath>;
  context: Promise<AuthorizationServerContext>;
}

/**
 * An OAuth 2.1 authorization server in front of one upstream `OAuthProvider` (GitHub, Google, …),
 * so stock MCP clients can log in: it registers clients (RFC 7591, client ID metadata documents),
 * sends users to the upstream, asks their consent, and issues its own tokens bound to the MCP
 * resource. The upstream token stays in the session store. It is also the `AuthProvider` that
 * verifies those tokens: signature, `typ`, `iss`, `aud` and `exp`, and the grant in the store on
 * every request, so a revocation is seen on the next request on every replica.
 *
 * @example
 * const authServer = mcp.enableAuthorizationServer({ upstream: github, scopesSupported: ['notes:read'] });
 * mcp.use(createAuthMiddleware({ provider: authServer, requiredScopes: ['notes:read'] }));
 * await mcp.listen({ transport: 'http', port: 8080, resourceUrl: 'https://notes.example.com/mcp' });
 * await authServer.revokeUser('4242');   // every grant of GitHub user 4242 ends now
 */
export class AuthorizationServer implements AuthProvider {
  /** The upstream's name: `ctx.auth.provider` of callers, and the provider of their sessions. */
  readonly name: string;
  readonly credentialKind = 'bearer' as const;
  private readonly settings: AuthorizationServerSettings;
  private readonly key: ParsedSigningKey;
  private readonly logger: Logger;
  private binding?: Binding;
  private readonly ownedStores: { close?(): Promise<void> }[] = [];

  /** @hidden Built by `mcp.enableAuthorizationServer()`, which supplies the server it is part of; not constructed directly. */
  constructor(
    options: AuthorizationServerOptions,
    private readonly environment: AuthorizationServerEnvironment,
  ) {
    this.settings = readAuthorizationServerOptions(options);
    this.name = this.settings.upstream.name;
    this.logger = environment.auth.logger;
    this.key = parseSigningKey(this.settings.signingKey, this.settings.signingAlg);
    if (this.key.generated) {
      this.logger.warn({ alg: this.key.alg }, 'Authorization server: no signingKey configured, generated one; its tokens die with this process and are not accepted by other replicas');
    }
    if (this.settings.clientIdMetadataDocuments.allowHttpLoopback) {
      this.logger.warn({}, 'Authorization server: clientIdMetadataDocuments.allowHttpLoopback is on; for tests and local development only');
    }
  }

  /** The issuer identifier, once known (given, or the origin of the listener's resourceUrl). */
  get issuer(): string | undefined {
    return this.binding?.issuer ?? this.settings.issuer;
  }

  /** The resource its tokens are bound to: the only audience they carry. */
  get audience(): string | undefined {
    return this.binding?.resource ?? this.settings.resource;
  }

  /** @internal The path of the upstream callback on this server (for mounting). */
  get callbackPath(): string {
    return this.settings.callbackPath;
  }

  acceptsIssuer(issuer: string): boolean {
    return issuer === this.issuer;
  }

  describe(): ProviderDescription {
    const issuer = this.issuer;
    return {
      name: this.name,
      type: 'oauth2',
      flows: ['oauth2-pkce'],
      ...(issuer !== undefined && {
        issuer,
        authorizationUrl: `${issuer}${this.settings.paths.authorize}`,
        tokenUrl: `${issuer}${this.settings.paths.token}`,
      }),
      ...(this.settings.scopesSupported && { scopes: [...this.settings.scopesSupported] }),
      supportsRefresh: true,
      supportsPkce: true,
    };
  }

  /**
   * Verifies an access token this server issued and finds its grant (one store read) and the
   * user's upstream session (refreshed first when due, single-flight). Never accepts an upstream token.
   */
  async authenticate(credentials: Credentials): Promise<AuthResult> {
    const token = credentials?.access_token;
    if (typeof token !== 'string' || token === '') return { success: false, reason: 'invalid_token', error: 'No access_token in the credentials' };
    try {
      const pending = this.contextNow();
      if (!pending) return { success: false, reason: 'invalid_token', error: 'The authorization server has not started' };
      const context = await pending;
      const claims = await context.accessTokens.verify(token);
      // Both from the store at once: one round trip's wait, not two.
      const [grant, session] = await Promise.all([context.grants.read(claims.sid), context.sessions.forRequest(claims.sub)]);
      if (!grant || grant.identity.userId !== claims.sub || grant.clientId !== claims.client_id) {
        return { success: false, reason: 'invalid_token', error: 'The grant of this token was revoked' };
      }
      if (!session) return { success: false, reason: 'invalid_token', error: `No ${this.name} session for this user; log in again` };
      const auth = new AuthContext({
        userId: claims.sub,
        username: grant.identity.username,
        provider: this.name,
        scopes: claims.scope.split(' ').filter((s) => s !== ''),
        roles: grant.identity.roles,
        permissions: grant.identity.permissions,
        claims,
        expiresAt: claims.exp,
      });
      return { success: true, context: auth, session };
    } catch (error) {
      if (error instanceof AccessTokenError) return { success: false, reason: error.reason, error: error.message };
      if (error instanceof UpstreamUnavailableError) return { success: false, reason: 'provider_unavailable', error: error.message };
      if (error instanceof UpstreamRefusedError || error instanceof StartupError) return { success: false, reason: 'invalid_token', error: error.message };
      return { success: false, reason: 'provider_unavailable', error: 'The authorization store is unavailable' };
    }
  }

  /** Ends one grant: its tokens are refused from the next request on. Resolves to whether it existed. */
  async revokeGrant(grantId: string): Promise<boolean> {
    return (await this.requireContext()).grants.revoke(grantId);
  }

  /** Ends every grant of an upstream user; resolves to how many were revoked. The upstream token is kept. */
  async revokeUser(userId: string): Promise<number> {
    return (await this.requireContext()).grants.revokeUser(userId);
  }

  /**
   * @internal Called by the HTTP listener with its public resource URL: settles the issuer and
   * resource. A second listener must agree.
   */
  bindResource(resourceUrl: string): void {
    const resource = this.settings.resource ?? resourceUrl;
    const issuer = this.settings.issuer ?? new URL(resourceUrl).origin;
    if (this.binding) {
      if (this.binding.issuer === issuer && this.binding.resource === resource) return;
      throw new StartupError('enableAuthorizationServer(): every HTTP listener of this server must have the same resourceUrl');
    }
    this.bind(issuer, resource);
  }

  /** @internal The HTTP route: true when the request is for one of its endpoints (and is being answered). */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    const binding = this.binding;
    if (!binding) return false;
    // Every HTTP request of the server passes here, MCP posts included: the path alone, no URL parse.
    const target = req.url ?? '/';
    const query = target.indexOf('?');
    const endpoint = binding.endpoints.get(query === -1 ? target : target.slice(0, query));
    if (!endpoint) return false;
    binding.context
      .then((ctx) => endpointModules().routes.serveEndpoint(endpoint, ctx, req, res))
      .catch((error: unknown) => {
        this.logger.error({ error: describeError(error) }, 'an authorization server request failed inside the server (answered 500)');
        if (!res.headersSent) res.writeHead(500, { 'Cache-Control': 'no-store' });
        res.end();
      });
    return true;
  }

  /** @internal Closes the stores it opened itself. */
  async close(): Promise<void> {
    await Promise.allSettled(this.ownedStores.map((store) => store.close?.()));
  }

  private bind(issuer: string, resource: string): void {
    checkIssuer(issuer, this.settings.issuer ? 'options.issuer' : 'issuer (the origin of the listener’s resourceUrl; set options.issuer)');
    const callbackUrl = this.settings.upstream.redirectUri ?? `${new URL(issuer).origin}/oauth/callback`;
    if (new URL(callbackUrl).origin !== new URL(issuer).origin) {
      throw new StartupError(`enableAuthorizationServer(): options.upstream.redirectUri must be on the issuer’s origin ${new URL(issuer).origin}`);
    }
    const context = this.buildContext(issuer, resource, callbackUrl);
    context.catch(() => undefined); // reported to each request that needs it
    this.binding = { issuer, resource, context, endpoints: endpointModules().routes.endpointsByPath({ issuer, callbackUrl, settings: this.settings }) };
  }

  private async buildContext(issuer: string, resource: string, callbackUrl: string): Promise<AuthorizationServerContext> {
    const { settings, environment } = this;
    const middleware = environment.auth.middlewareFor(this);
    const owner = middleware?.config;
    const records = new AuthorizationRecords(settings.store ?? this.defaultStore());
    const key = await completeSigningKey(this.key);
    const accessTokens = new AccessTokens(key, issuer, resource, settings.accessTokenTtlSeconds);
    const sessions = new UpstreamSessions(settings.upstream, settings.sessionStore ?? middleware?.sessionStore ?? this.defaultSessionStore(), {
      autoRefresh: owner?.autoRefreshTokens ?? true,
      refreshBufferSeconds: owner?.options.refreshBufferSeconds ?? 300,
      events: environment.auth.events,
      logger: this.logger,
    });
    return {
      settings,
      upstream: settings.upstream,
      issuer,
      resource,
      callbackUrl,
      scopesSupported: settings.scopesSupported ?? environment.auth.knownScopes(),
      defaultScopes: settings.defaultScopes ?? owner?.requiredScopes ?? [],
      records,
      clients: new (endpointModules().clients.ClientDirectory)(records, settings),
      grants: new Grants(records, accessTokens, settings.upstream.name, settings, environment.auth.events),
      accessTokens,
      sessions,
      key,
      logger: this.logger,
      endpointUrl: (name) => `${issuer}${settings.paths[name]}`,
    };
  }

  private defaultStore(): AuthorizationStore {
    const { container } = this.environment;
    if (container.isRegistered(AUTHORIZATION_STORE, true)) return container.resolve<AuthorizationStore>(AUTHORIZATION_STORE);
    return this.own(new MemoryAuthorizationStore({ maxEntries: 100_000 }));
  }

  private defaultSessionStore(): SessionStore {
    const { container } = this.environment;
    if (container.isRegistered(SESSION_STORE, true)) return container.resolve<SessionStore>(SESSION_STORE);
    return this.own(new MemorySessionStore());
  }

  private own<T extends { close?(): Promise<void> }>(store: T): T {
    this.ownedStores.push(store);
    return store;
  }

  /** The context, binding to the configured issuer and resource when both were given and no listener did. */
  private contextNow(): Promise<AuthorizationServerContext> | undefined {
    if (!this.binding && this.settings.issuer && this.settings.resource) this.bind(this.settings.issuer, this.settings.resource);
    return this.binding?.context;
  }

  private async requireContext(): Promise<AuthorizationServerContext> {
    const context = this.contextNow();
    if (!context) throw new StartupError('The authorization server has not started: listen() first, or give options.issuer and options.resource');
    return context;
  }
}
