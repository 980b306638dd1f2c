import type { createRemoteJWKSet } from 'jose';
import { createRemoteJwkSet, jwtVerify } from './jose-entries';
import type { JwtClaims } from './jwt-types';
import { AuthContext } from '../auth-context';
import type { TokenResponse } from '../provider';
import { resolveEndpoints } from '../oauth/endpoint-overrides';
import { expandGoogleScopes } from '../oauth/google-scopes';
import { OAuthProviderError } from '../oauth/oauth-errors';
import { OAuthProvider, type OAuthClientOptions } from '../oauth/oauth-provider';
import { isRecord, requestProviderJson } from '../oauth/provider-request';

/** Google endpoints; override them for tests or a proxy. */
export interface GoogleEndpoints {
  /** Where users authorize. */
  authorizationUrl?: string;
  /** The token endpoint. */
  tokenUrl?: string;
  /** OpenID Connect userinfo. */
  userInfoUrl?: string;
  /** Token introspection (`tokeninfo`). */
  tokenInfoUrl?: string;
  /** The keys ID tokens are signed with. */
  jwksUri?: string;
}

/** Options of `new GoogleOAuthProvider()`. */
export interface GoogleOAuthProviderOptions extends OAuthClientOptions {
  /** Required: Google web clients are confidential. */
  clientSecret: string;
  /** Default `['openid', 'email', 'profile']`. */
  scopes?: string[];
  /** Google's endpoints by default. */
  endpoints?: GoogleEndpoints;
  /** `access_type` of authorization URLs (default `'offline'`, so a refresh token is issued). */
  accessType?: 'offline' | 'online';
  /** `prompt` of authorization URLs (default `'consent'`, so the refresh token is issued again). */
  prompt?: string;
}

const DEFAULT_ENDPOINTS: Required<GoogleEndpoints> = {
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
  tokenInfoUrl: 'https://oauth2.googleapis.com/tokeninfo',
  jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
};

/** Google signs ID tokens with either spelling of its issuer. */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** jose error codes that mean the keys could not be fetched, not that the token is bad. */
const JWKS_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC']);

/**
 * Google OAuth 2.0 / OpenID Connect. A token is validated with `tokeninfo` (its scopes, expiry, and
 * that it was issued to THIS client id: a token minted for another app is refused) and `userinfo`.
 * ID tokens in token responses are verified against Google's JWKS (issuer, audience = client id,
 * RS256). Scopes are held as Google reports them plus the short names `openid`, `email`, `profile`.
 *
 * @example
 * const google = new GoogleOAuthProvider({
 *   clientId: process.env.GOOGLE_CLIENT_ID!,
 *   clientSecret: process.env.GOOGLE_CLIENT_SECRET!,
 *   redirectUri: 'http://localhost:8080/oauth/callback',
 * });
 * mcp.use(createAuthMiddleware({ provider: google, requiredScopes: ['email'] }));
 */
export class GoogleOAuthProvider extends OAuthProvider {
  /** The userinfo endpoint in use. */
  readonly userInfoUrl: string;
  /** The tokeninfo endpoint in use. */
  readonly tokenInfoUrl: string;
  /** The JWKS endpoint in use. */
  readonly jwksUri: string;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: GoogleOAuthProviderOptions) {
    const endpoints = resolveEndpoints('google', DEFAULT_ENDPOINTS, options.endpoints);
    const timeoutMs = options.timeoutMs ?? 10_000;
    super({
      ...options,
      name: 'google',
      scopes: options.scopes ?? ['openid', 'email', 'profile'],
      authorizationUrl: endpoints.authorizationUrl,
      tokenUrl: endpoints.tokenUrl,
      timeoutMs,
      authorizationParams: { access_type: options.accessType ?? 'offline', prompt: options.prompt ?? 'consent' },
    });
    this.userInfoUrl = endpoints.userInfoUrl;
    this.tokenInfoUrl = endpoints.tokenInfoUrl;
    this.jwksUri = endpoints.jwksUri;
    this.jwks = createRemoteJwkSet()(new URL(endpoints.jwksUri), { timeoutDuration: Math.ceil(timeoutMs) });
  }

  async getUserInfo(accessToken: string): Promise<Record<string, unknown>> {
    const response = await requestProviderJson({
      provider: this.name,
      operation: 'userinfo',
      url: this.userInfoUrl,
      headers: { Authorization: `Bearer ${accessToken}` },
      timeoutMs: this.timeoutMs,
    });
    if (!isRecord(response.body)) throw OAuthProviderError.unexpectedBody(this.name, 'userinfo');
    return response.body;
  }

  extractUserId(userInfo: Record<string, unknown>): string {
    const id = userInfo.sub ?? userInfo.id;
    if (typeof id === 'string' && id !== '') return id;
    throw OAuthProviderError.unexpectedBody(this.name, 'userinfo');
  }

  extractUsername(userInfo: Record<string, unknown>): string | undefined {
    if (typeof userInfo.email === 'string') return userInfo.email;
    return typeof userInfo.name === 'string' ? userInfo.name : undefined;
  }

  /**
   * Verifies a Google ID token: signature from the JWKS, issuer, audience = our client id, expiry.
   * Resolves to its claims; rejects with an `OAuthProviderError`.
   */
  async verifyIdToken(idToken: string): Promise<JwtClaims> {
    try {
      const { payload } = await jwtVerify()(idToken, this.jwks, {
        issuer: GOOGLE_ISSUERS,
        audience: this.clientId,
        algorithms: ['RS256'],
      });
      return payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const claim = (error as { claim?: string }).claim;
      const unavailable = code === undefined || JWKS_UNAVAILABLE.has(code);
      throw new OAuthProviderError({
        provider: this.name,
        operation: 'ID token verification',
        reason: unavailable ? 'provider_unavailable' : 'invalid_token',
        detail: unavailable
          ? 'failed: the signing keys could not be fetched'
          : `failed (${code}${claim ? `, claim "${claim}"` : ''})`,
      });
    }
  }

  protected async validateAccessToken(accessToken: string): Promise<AuthContext> {
    const tokenInfo = await this.fetchTokenInfo(accessToken);
    const userInfo = await this.getUserInfo(accessToken);
    const userId = this.extractUserId({ ...userInfo, sub: userInfo.sub ?? tokenInfo.sub });
    if (typeof tokenInfo.sub === 'string' && tokenInfo.sub !== userId) {
      throw new OAuthProviderError({
        provider: this.name,
        operation: 'userinfo',
        reason: 'invalid_token',
        detail: 'describes another user than tokeninfo',
      });
    }
    const exp = Number(tokenInfo.exp);
    return new AuthContext({
      userId,
      username: this.extractUsername(userInfo) ?? (typeof tokenInfo.email === 'string' ? tokenInfo.email : undefined),
      provider: this.name,
      scopes: expandGoogleScopes(typeof tokenInfo.scope === 'string' ? tokenInfo.scope : ''),
      claims: userInfo,
      expiresAt: Number.isFinite(exp) && exp > 0 ? exp : undefined,
    });
  }

  /** A token response carrying an ID token is only accepted when the ID token verifies. */
  protected override async processTokenResponse(token: TokenResponse): Promise<TokenResponse> {
    if (token.id_token !== undefined) await this.verifyIdToken(token.id_token);
    return token;
  }

  /**
   * `tokeninfo`, by POST with the token in the Authorization header (as Google's own client
   * library does), so the token never appears in a URL or an access log.
   */
  private async fetchTokenInfo(accessToken: string): Promise<Record<string, unknown>> {
    const response = await requestProviderJson({
      provider: this.name,
      operation: 'tokeninfo',
      url: this.tokenInfoUrl,
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}` },
      form: {},
      timeoutMs: this.timeoutMs,
    });
    const info = response.body;
    if (!isRecord(info)) throw OAuthProviderError.unexpectedBody(this.name, 'tokeninfo');
    if (info.aud !== this.clientId && info.azp !== this.clientId) {
      throw new OAuthProviderError({
        provider: this.name,
        operation: 'tokeninfo',
        reason: 'invalid_token',
        detail: 'reports a token issued to another client',
      });
    }
    return info;
  }
}
