import type { JWTVerifyOptions } from 'jose';
import { decodeProtectedHeader, jwtVerify, signJwt } from './jose-entries';
import type { JwtClaims, JwtKeyMaterial } from './jwt-types';
import { AuthContext, type AuthContextInit } from '../auth-context';
import type { AuthProvider, AuthResult, Credentials, ProviderDescription } from '../provider';
import { contextFromClaims, type JwtClaimMapping } from './jwt-claims';
import { JwtRejectedError, jwtFailure } from './jwt-failure';
import { resolveVerificationKey, type VerificationKey } from './jwt-verification-key';
import { VerifiedTokenCache } from './verified-token-cache';

/** Options shared by every key source; see {@link JwtProviderOptions}. */
export interface JwtProviderBaseOptions {
  /** `AuthContext.provider` and the routing name. Default `'jwt'`. */
  name?: string;
  /** Accepted `iss` value(s). Strongly recommended; also used to route tokens between providers. */
  issuer?: string | string[];
  /** Accepted `aud` value(s); over HTTP, the server's resource URL. */
  audience?: string | string[];
  /**
   * Allowed `alg` values. Default: derived from the key (RS256/384/512 for an RSA key, the curve's
   * ES algorithm for an EC key, a JWK's own `alg`, every asymmetric algorithm for a JWKS, HS256 for
   * a secret). `none` is never allowed, nor HMAC with public keys (both throw here).
   */
  algorithms?: string[];
  /** Seconds of clock skew tolerated for `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds (`iat` becomes required). */
  maxTokenAge?: number;
  /** Refuse tokens without `exp`. Default `true`. */
  requireExp?: boolean;
  /** Claim holding scopes (array or space-separated string); `scp` is read as well. Default `'scope'`. */
  scopeClaim?: string;
  /**
   * Claim holding roles. A dotted path (`realm_access.roles`) works when no claim has that exact
   * name. Default `'roles'`.
   */
  rolesClaim?: string;
  /** Claim holding permissions. Default `'permissions'`. */
  permissionsClaim?: string;
  /** Claim holding the stable user id. Default `'sub'`. */
  userIdClaim?: string;
  /** Claim holding the display name. Default: `preferred_username`, `username`, `name` or `email`. */
  usernameClaim?: string;
  /** How many verified tokens to remember (by hash, never past `exp`). Default 1000; 0 disables. */
  cacheSize?: number;
  /** After a JWKS fetch, an unknown `kid` waits this long before refetching. Default 30 000 ms. */
  jwksCooldownMs?: number;
  /** Timeout of each JWKS fetch. Default 10 000 ms. */
  timeoutMs?: number;
  /** Scopes this provider's tokens may carry, advertised by `describe()`. */
  scopes?: string[];
}

/** Options of {@link JwtProvider}: the shared options plus exactly one of `jwksUri`, `publicKey`, `secret`. */
export type JwtProviderOptions = JwtProviderBaseOptions & JwtKeyMaterial;

/** Options of {@link JwtProvider.createToken}. */
export interface CreateTokenOptions {
  /** Seconds from now (number) or a jose time span (`'2h'`). Default 3600 seconds. */
  expiresIn?: number | string;
  /** `sub`; overrides `claims.sub`. */
  subject?: string;
  /** `iss`; default the provider's (first) issuer. */
  issuer?: string;
  /** `aud`; default the provider's audience. */
  audience?: string | string[];
  /** HMAC algorithm; default the first of the provider's algorithms. */
  algorithm?: string;
}

/** Tokens longer than this are refused before any parsing (a real access token is a few KiB). */
export const MAX_JWT_LENGTH = 16 * 1024;
/** Header parameters that point at or carry keys; trusting them would let a token pick its own key. */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
/** A token without `exp` (`requireExp: false`) is re-verified at least this often. */
const NO_EXP_CACHE_SECONDS = 300;

/**
 * Verifies JWT bearer tokens (`credentials.access_token`) with jose, against a JWKS URL, a public
 * key or a shared secret, and maps their claims to an `AuthContext`. Verification is strict by
 * default: issuer and audience when configured, an algorithm allow-list tied to the key, `exp`
 * required, key-bearing headers refused. A bad token is a failed `AuthResult`, never a throw.
 *
 * @example
 * const jwt = new JwtProvider({
 *   jwksUri: 'https://login.example.com/.well-known/jwks.json',
 *   issuer: 'https://login.example.com/',
 *   audience: 'https://mcp.example.com/mcp',
 *   rolesClaim: 'realm_access.roles',
 * });
 * const result = await jwt.authenticate({ access_token: token });
 * if (result.success) console.log(result.context!.userId, [...result.context!.scopes]);
 * else console.log(result.reason); // 'invalid_token' | 'token_expired' | 'provider_unavailable'
 */
export class JwtProvider implements AuthProvider {
  readonly name: string;
  readonly credentialKind = 'bearer' as const;
  private readonly key: VerificationKey;
  private readonly options: JwtProviderOptions;
  private readonly clockTolerance: number;
  private readonly mapping: JwtClaimMapping;
  // AuthContext is immutable, so a verified token's context is shared by its requests.
  private readonly cache?: VerifiedTokenCache<AuthContext>;

  constructor(options: JwtProviderOptions) {
    this.options = { ...options }; // later edits to the caller's object must not change what is trusted
    this.name = options.name ?? 'jwt';
    this.clockTolerance = nonNegative(options.clockTolerance ?? 30, 'clockTolerance');
    if (options.maxTokenAge !== undefined) nonNegative(options.maxTokenAge, 'maxTokenAge');
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError('`timeoutMs` must be a positive integer');
    }
    this.key = resolveVerificationKey(options, options.algorithms, { timeoutMs, cooldownMs: options.jwksCooldownMs });
    this.mapping = {
      scopeClaim: options.scopeClaim ?? 'scope',
      rolesClaim: options.rolesClaim ?? 'roles',
      permissionsClaim: options.permissionsClaim ?? 'permissions',
      userIdClaim: options.userIdClaim ?? 'sub',
      usernameClaim: options.usernameClaim,
    };
    const cacheSize = options.cacheSize ?? 1000;
    if (cacheSize !== 0) this.cache = new VerifiedTokenCache(cacheSize);
  }

  /** The audience(s) this provider verifies; when unset, HTTP checks `aud` against the resource URL. */
  get audience(): string | readonly string[] | undefined {
    return this.options.audience;
  }

  /** The algorithms this provider accepts, after defaults and validation. */
  get algorithms(): readonly string[] {
    return this.key.algorithms;
  }

  /** Verifies `credentials.access_token` (signature, algorithm, issuer, audience, expiry) and maps its claims. */
  async authenticate(credentials: Credentials): Promise<AuthResult> {
    const token = credentials.access_token;
    if (typeof token !== 'string' || token === '') {
      return { success: false, reason: 'invalid_token', error: 'No bearer token was provided' };
    }
    const cached = this.cache?.get(token);
    if (cached) return { success: true, context: cached };
    try {
      const { init, validUntil } = await this.verify(token);
      const context = new AuthContext(init);
      this.cache?.set(token, context, validUntil);
      return { success: true, context };
    } catch (error) {
      return jwtFailure(error);
    }
  }

  /** True when `issuer` is one this provider is configured to trust (false when none is configured). */
  acceptsIssuer(issuer: string): boolean {
    return this.issuers().includes(issuer);
  }

  /** A `jwt` flow provider, with its issuer. */
  describe(): ProviderDescription {
    return {
      name: this.name,
      type: 'jwt',
      flows: ['jwt'],
      ...(this.issuers().length > 0 ? { issuer: this.issuers()[0] } : {}),
      ...(this.options.scopes ? { scopes: [...this.options.scopes] } : {}),
    };
  }

  /**
   * Signs a token with the configured `secret` (HS256 unless another HMAC algorithm is
   * configured), with `iat`, `exp`, and the provider's issuer and audience unless overridden.
   * Providers that verify with public keys cannot sign and throw.
   *
   * @example
   * const jwt = new JwtProvider({ secret: process.env.JWT_SECRET!, issuer: 'my-app' });
   * const token = await jwt.createToken(
   *   { scope: 'read write', roles: ['admin'] },
   *   { subject: 'user-1', expiresIn: '1h' },
   * );
   */
  async createToken(claims: JwtClaims = {}, options: CreateTokenOptions = {}): Promise<string> {
    if (this.key.kind !== 'secret' || !(this.key.key instanceof Uint8Array)) {
      throw new Error('createToken() needs a JwtProvider configured with `secret`; public keys cannot sign tokens');
    }
    const alg = options.algorithm ?? this.key.algorithms[0];
    if (!this.key.algorithms.includes(alg)) throw new TypeError(`Algorithm ${alg} is not allowed by this provider`);
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.expiresIn ?? 3600;
    const SignJWT = signJwt();
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
    const issuer = options.issuer ?? this.issuers()[0];
    const audience = options.audience ?? this.options.audience;
    const subject = options.subject ?? claims.sub;
    if (issuer !== undefined) jwt.setIssuer(issuer);
    if (audience !== undefined) jwt.setAudience(audience);
    if (subject !== undefined) jwt.setSubject(subject);
    return jwt.sign(this.key.key);
  }

  private async verify(token: string): Promise<{ init: AuthContextInit; validUntil: number }> {
    if (token.length > MAX_JWT_LENGTH) throw new JwtRejectedError('Token is too large');
    refuseKeyBearingHeaders(token);
    const { key } = this.key;
    const verifyOptions: JWTVerifyOptions = {
      algorithms: this.key.algorithms,
      issuer: this.options.issuer,
      audience: this.options.audience,
      clockTolerance: this.clockTolerance,
      maxTokenAge: this.options.maxTokenAge,
      requiredClaims: this.options.requireExp === false ? [] : ['exp'],
    };
    // Two calls because jwtVerify's overloads take a key or a key resolver, not their union.
    const { payload } =
      typeof key === 'function'
        ? await jwtVerify()(token, key, verifyOptions)
        : await jwtVerify()(token, key, verifyOptions);
    const now = Date.now() / 1000;
    // jose checks a future `iat` only together with maxTokenAge; a token minted "later" is refused always.
    if (payload.iat !== undefined && payload.iat > now + this.clockTolerance) {
      throw new JwtRejectedError('Token "iat" claim is in the future');
    }
    const init = contextFromClaims(payload, this.mapping, this.name);
    const deadlines = [payload.exp ?? now + NO_EXP_CACHE_SECONDS];
    if (this.options.maxTokenAge !== undefined && payload.iat !== undefined) {
      deadlines.push(payload.iat + this.options.maxTokenAge);
    }
    return { init, validUntil: Math.min(...deadlines) };
  }

  private issuers(): string[] {
    const { issuer } = this.options;
    return issuer === undefined ? [] : Array.isArray(issuer) ? issuer : [issuer];
  }
}

function refuseKeyBearingHeaders(token: string): void {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader()(token);
  } catch {
    throw new JwtRejectedError('Token is malformed');
  }
  const present = KEY_BEARING_HEADERS.find((name) => Object.hasOwn(header, name));
  if (present) throw new JwtRejectedError(`Token header "${present}" is not accepted`);
}

function nonNegative(value: number, option: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`\`${option}\` must be a non-negative number of seconds`);
  }
  return value;
}
