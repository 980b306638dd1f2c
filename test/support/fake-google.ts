import type { ServerResponse } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import {
  AuthorizationCodes,
  FakeHttpServer,
  authorizeRedirect,
  bearerToken,
  clientCredentials,
  randomToken,
  sendJson,
  type FakeRequest,
} from './fake-oauth-server';

export interface FakeGoogleUser {
  sub: string;
  email?: string;
  name?: string;
}

export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  users?: FakeGoogleUser[];
  /** `sub` the authorize endpoint signs in as (default: the first user). */
  authorizeAs?: string;
}

export interface IssueGoogleTokenOptions {
  /** The client the token was issued to (`aud`/`azp`); default our client id. */
  clientId?: string;
  /** Scopes as Google reports them (URLs); default openid + email + profile URLs. */
  scopes?: string[];
  expiresIn?: number;
}

interface IssuedToken {
  sub: string;
  clientId: string;
  scopes: string[];
  exp: number;
}

/** What Google turns the short scope names into. */
const SCOPE_URLS: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};
export const GOOGLE_DEFAULT_SCOPES = ['openid', SCOPE_URLS.email, SCOPE_URLS.profile];
const ISSUER = 'https://accounts.google.com';

/**
 * A local stand-in for Google's OAuth 2.0 / OIDC endpoints: authorize, token (JSON; `invalid_grant`
 * with 400; refresh without rotation, as Google does), `tokeninfo` (`aud`, `azp`, `scope` as URLs,
 * `exp` as a string; 400 `invalid_token`), `userinfo`, and a JWKS whose key signs RS256 ID tokens
 * with issuer `https://accounts.google.com`.
 *
 * @example
 * const google = await startFakeGoogle();
 * const token = google.issueToken('alice-sub');
 * const provider = new GoogleOAuthProvider({ clientId: google.clientId, clientSecret: google.clientSecret, endpoints: google.endpoints });
 * await google.stop();
 */
export class FakeGoogle {
  readonly server = new FakeHttpServer();
  readonly clientId: string;
  readonly clientSecret: string;
  authorizeAs: string;
  private readonly users = new Map<string, FakeGoogleUser>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, Omit<IssuedToken, 'exp'>>();
  private readonly codes = new AuthorizationCodes();
  private signingKey?: { privateKey: CryptoKey; jwk: JWK };

  constructor(options: FakeGoogleOptions = {}) {
    this.clientId = options.clientId ?? 'google-client-id.apps.googleusercontent.com';
    this.clientSecret = options.clientSecret ?? 'google-client-secret';
    for (const user of options.users ?? [{ sub: '110169484474386276334', email: 'alice@example.com', name: 'Alice' }]) {
      this.addUser(user);
    }
    this.authorizeAs = options.authorizeAs ?? [...this.users.keys()][0];
    this.server
      .route('GET', '/o/oauth2/v2/auth', (req, res) => authorizeRedirect(req, res, this.codes, this.authorizeAs))
      .route('POST', '/token', (req, res) => this.token(req, res))
      .route('GET', '/tokeninfo', (req, res) => this.tokenInfo(req, res))
      .route('POST', '/tokeninfo', (req, res) => this.tokenInfo(req, res))
      .route('GET', '/v1/userinfo', (req, res) => this.userInfo(req, res))
      .route('GET', '/oauth2/v3/certs', (_req, res) => sendJson(res, 200, { keys: [this.key().jwk] }));
  }

  get url(): string {
    return this.server.url;
  }

  /** Endpoint overrides for `GoogleOAuthProvider`. */
  get endpoints(): { authorizationUrl: string; tokenUrl: string; userInfoUrl: string; tokenInfoUrl: string; jwksUri: string } {
    return {
      authorizationUrl: `${this.url}/o/oauth2/v2/auth`,
      tokenUrl: `${this.url}/token`,
      userInfoUrl: `${this.url}/v1/userinfo`,
      tokenInfoUrl: `${this.url}/tokeninfo`,
      jwksUri: `${this.url}/oauth2/v3/certs`,
    };
  }

  addUser(user: FakeGoogleUser): void {
    this.users.set(user.sub, user);
  }

  /** Registers and returns an access token for `sub`. */
  issueToken(sub: string, options: IssueGoogleTokenOptions = {}): string {
    const token = randomToken('ya29.');
    this.tokens.set(token, {
      sub,
      clientId: options.clientId ?? this.clientId,
      scopes: options.scopes ?? GOOGLE_DEFAULT_SCOPES,
      exp: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3599),
    });
    return token;
  }

  /** Signs an ID token with the JWKS key; `claims` override the defaults (`aud`, `iss`, `exp`, …). */
  async mintIdToken(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
    const user = this.users.get(sub);
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: ISSUER, aud: this.clientId, azp: this.clientId, sub, email: user?.email, iat: now, exp: now + 3600, ...claims };
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: this.key().jwk.kid }).sign(this.key().privateKey);
  }

  requestCount(path: string): number {
    return this.server.requestCount(path);
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.signingKey = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'fake-google-1', alg: 'RS256', use: 'sig' } };
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private key(): { privateKey: CryptoKey; jwk: JWK } {
    if (!this.signingKey) throw new Error('FakeGoogle not started');
    return this.signingKey;
  }

  private async token(req: FakeRequest, res: ServerResponse): Promise<void> {
    const client = clientCredentials(req);
    if (client.id !== this.clientId || client.secret !== this.clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    const grantType = req.form.get('grant_type');
    if (grantType === 'refresh_token') {
      const grant = this.refreshTokens.get(req.form.get('refresh_token') ?? '');
      if (!grant) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      // Google does not rotate refresh tokens: the answer has no refresh_token.
      const accessToken = this.issueToken(grant.sub, { clientId: grant.clientId, scopes: grant.scopes });
      return sendJson(res, 200, {
        access_token: accessToken,
        expires_in: 3599,
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
        id_token: await this.mintIdToken(grant.sub),
      });
    }
    if (grantType !== 'authorization_code') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    const redeemed = this.codes.redeem(req.form.get('code') ?? '', {
      clientId: client.id,
      redirectUri: req.form.get('redirect_uri') ?? undefined,
      verifier: req.form.get('code_verifier') ?? undefined,
    });
    if (typeof redeemed === 'string') return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    const scopes = redeemed.scopes.map((scope) => SCOPE_URLS[scope] ?? scope);
    const accessToken = this.issueToken(redeemed.subject, { scopes });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: 3599,
      scope: scopes.join(' '),
      token_type: 'Bearer',
    };
    if (scopes.includes('openid')) body.id_token = await this.mintIdToken(redeemed.subject);
    if (redeemed.params.access_type === 'offline') {
      const refreshToken = randomToken('1//');
      this.refreshTokens.set(refreshToken, { sub: redeemed.subject, clientId: this.clientId, scopes });
      body.refresh_token = refreshToken;
    }
    sendJson(res, 200, body);
  }

  /** The token comes from the Authorization header, the form body or the query, as Google accepts. */
  private issued(req: FakeRequest): IssuedToken | undefined {
    const token = bearerToken(req) ?? req.form.get('access_token') ?? req.url.searchParams.get('access_token') ?? '';
    const issued = this.tokens.get(token);
    return issued && issued.exp > Date.now() / 1000 ? issued : undefined;
  }

  private tokenInfo(req: FakeRequest, res: ServerResponse): void {
    const issued = this.issued(req);
    if (!issued) return sendJson(res, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
    const user = this.users.get(issued.sub);
    sendJson(res, 200, {
      azp: issued.clientId,
      aud: issued.clientId,
      sub: issued.sub,
      scope: issued.scopes.join(' '),
      exp: String(issued.exp),
      expires_in: String(Math.max(0, issued.exp - Math.floor(Date.now() / 1000))),
      ...(user?.email ? { email: user.email, email_verified: 'true' } : {}),
      access_type: 'offline',
    });
  }

  private userInfo(req: FakeRequest, res: ServerResponse): void {
    const issued = this.issued(req);
    const user = issued && this.users.get(issued.sub);
    if (!user) {
      return sendJson(res, 401, { error: 'invalid_request', error_description: 'Invalid Credentials' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    sendJson(res, 200, { sub: user.sub, name: user.name, email: user.email, email_verified: true, picture: 'https://example.invalid/a.png' });
  }
}

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  return new FakeGoogle(options).start();
}
