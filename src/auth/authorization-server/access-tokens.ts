import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { jwtVerify, signJwt } from '../providers/jose-entries';
import { VerifiedTokenCache } from '../providers/verified-token-cache';
import type { SigningKey } from './signing-key';

/** The claims of an access token this server issues (RFC 9068); nothing from the upstream token. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  /** The resource, one string. */
  aud: string;
  /** The upstream user id. */
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  /** The grant id. */
  sid: string;
  iat: number;
  exp: number;
}

/** What an access token is issued for. */
export interface AccessTokenGrant {
  userId: string;
  clientId: string;
  scopes: readonly string[];
  grantId: string;
}

/** Why a presented token is not one of ours, in the terms of `AuthResult.reason`. */
export type AccessTokenRefusal = 'invalid_token' | 'token_expired';

export class AccessTokenError extends Error {
  constructor(
    readonly reason: AccessTokenRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'AccessTokenError';
  }
}

const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'client_id', 'scope', 'jti', 'sid', 'iat', 'exp'];

/** Mints and verifies this server's RFC 9068 access tokens (`typ: at+jwt`, `kid`). */
export class AccessTokens {
  /** Tokens whose signature and claims were checked, by hash, until they expire (the grant is read every time). */
  private readonly verified = new VerifiedTokenCache<AccessTokenClaims>(10_000);

  constructor(
    private readonly key: SigningKey,
    private readonly issuer: string,
    private readonly resource: string,
    private readonly ttlSeconds: number,
  ) {}

  async mint(grant: AccessTokenGrant): Promise<{ token: string; expiresIn: number }> {
    const iat = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      aud: this.resource,
      sub: grant.userId,
      client_id: grant.clientId,
      scope: grant.scopes.join(' '),
      jti: randomBytes(16).toString('base64url'),
      sid: grant.grantId,
      iat,
      exp: iat + this.ttlSeconds,
    };
    const SignJWT = signJwt();
    const token = await new SignJWT(claims).setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: 'at+jwt' }).sign(this.key.privateKey);
    return { token, expiresIn: this.ttlSeconds };
  }

  /**
   * The claims of a token this server signed for this resource: signature, `typ`, `iss`, `aud`
   * (exactly the resource, one string) and `exp`. `ignoreExpiry` serves revocation, where an
   * expired token still names its grant. Throws `AccessTokenError`.
   */
  async verify(token: string, options: { ignoreExpiry?: boolean } = {}): Promise<AccessTokenClaims> {
    if (typeof token !== 'string' || token.length > 8192 || token.split('.').length !== 3) {
      throw new AccessTokenError('invalid_token', 'Not an access token issued by this server');
    }
    const known = options.ignoreExpiry ? undefined : this.verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify()(token, this.key.publicKey, {
        algorithms: [this.key.alg],
        typ: 'at+jwt',
        issuer: this.issuer,
        requiredClaims: REQUIRED_CLAIMS,
        ...(options.ignoreExpiry && { currentDate: new Date(0) }),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw new AccessTokenError('token_expired', 'The access token has expired');
      throw new AccessTokenError('invalid_token', 'Not an access token issued by this server');
    }
    if (payload.aud !== this.resource) throw new AccessTokenError('invalid_token', 'The access token was issued for another resource');
    for (const claim of ['sub', 'client_id', 'scope', 'jti', 'sid'] as const) {
      if (typeof payload[claim] !== 'string') throw new AccessTokenError('invalid_token', `The access token has no valid "${claim}"`);
    }
    const claims = payload as AccessTokenClaims;
    if (!options.ignoreExpiry) this.verified.set(token, claims, claims.exp);
    return claims;
  }
}
