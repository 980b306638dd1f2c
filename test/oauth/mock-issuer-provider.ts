import { AuthContext } from '../../src/auth/auth-context';
import { AuthenticationError } from '../../src/auth/errors';
import { OAuthProvider, type OAuthClientOptions } from '../../src/auth/oauth/oauth-provider';
import { isRecord, requestProviderJson } from '../../src/auth/oauth/provider-request';
import { JwtProvider } from '../../src/auth/providers/jwt-provider';
import type { TestIssuer } from '../support/oidc-issuer';

/**
 * An `OAuthProvider` for oauth2-mock-server (`test/support/oidc-issuer.ts`): its authorize and
 * token endpoints run the real authorization-code + PKCE exchange; its access tokens are JWTs,
 * validated with `JwtProvider` against the mock's JWKS.
 */
export class MockIssuerOAuthProvider extends OAuthProvider {
  private readonly jwt: JwtProvider;
  private readonly userInfoUrl: string;

  constructor(issuer: TestIssuer, options: Partial<OAuthClientOptions> & { name?: string } = {}) {
    super({
      name: options.name ?? 'mock',
      clientId: 'mock-client',
      clientSecret: 'mock-secret',
      authorizationUrl: `${issuer.url}/authorize`,
      tokenUrl: `${issuer.url}/token`,
      scopes: ['openid', 'profile'],
      ...options,
    });
    this.jwt = new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url, timeoutMs: this.timeoutMs });
    this.userInfoUrl = `${issuer.url}/userinfo`;
  }

  async getUserInfo(accessToken: string): Promise<Record<string, unknown>> {
    const { body } = await requestProviderJson({
      provider: this.name,
      operation: 'userinfo',
      url: this.userInfoUrl,
      headers: { Authorization: `Bearer ${accessToken}` },
      timeoutMs: this.timeoutMs,
    });
    return isRecord(body) ? body : {};
  }

  extractUserId(userInfo: Record<string, unknown>): string {
    return String(userInfo.sub);
  }

  extractUsername(userInfo: Record<string, unknown>): string | undefined {
    return typeof userInfo.preferred_username === 'string' ? userInfo.preferred_username : undefined;
  }

  protected async validateAccessToken(accessToken: string): Promise<AuthContext> {
    const result = await this.jwt.authenticate({ access_token: accessToken });
    if (!result.success || !result.context) {
      throw new AuthenticationError(result.error ?? 'invalid token', { reason: result.reason ?? 'invalid_token' });
    }
    return result.context.with({ provider: this.name, username: result.context.userId });
  }
}
