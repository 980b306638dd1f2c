import type { OAuthProvider } from '../auth/oauth/oauth-provider';
import type { LoginArgs } from './login-args';
import { UsageError } from './login-args';

export const CLI_PROVIDERS = ['github', 'google'] as const;

/**
 * Builds the provider `nextmcp login` talks to. Credentials come from flags, else from
 * `NEXTMCP_<PROVIDER>_CLIENT_ID` / `_CLIENT_SECRET`; endpoints may be overridden by environment
 * variables (GitHub Enterprise, local fakes in tests). Providers load lazily so a GitHub login
 * never loads the Google code.
 */
export async function createCliProvider(
  args: LoginArgs,
  redirectUri: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OAuthProvider> {
  if (!(CLI_PROVIDERS as readonly string[]).includes(args.provider)) {
    throw new UsageError(`Unknown provider "${args.provider}"; use ${CLI_PROVIDERS.join(' or ')}`);
  }
  const prefix = `NEXTMCP_${args.provider.toUpperCase()}_`;
  const clientId = args.clientId ?? env[`${prefix}CLIENT_ID`];
  const clientSecret = args.clientSecret ?? env[`${prefix}CLIENT_SECRET`];
  if (!clientId) throw new UsageError(`No client id: pass --client-id or set ${prefix}CLIENT_ID`);
  const common = { clientId, redirectUri, scopes: args.scopes, cacheTtlSeconds: 0 };

  if (args.provider === 'github') {
    const { GitHubOAuthProvider } = await import('../auth/providers/github-oauth-provider');
    return new GitHubOAuthProvider({
      ...common,
      clientSecret,
      endpoints: {
        authorizationUrl: env[`${prefix}AUTHORIZATION_URL`],
        tokenUrl: env[`${prefix}TOKEN_URL`],
        apiBaseUrl: env[`${prefix}API_BASE_URL`],
      },
    });
  }
  if (!clientSecret) throw new UsageError(`Google needs a client secret: set ${prefix}CLIENT_SECRET`);
  const { GoogleOAuthProvider } = await import('../auth/providers/google-oauth-provider');
  return new GoogleOAuthProvider({
    ...common,
    clientSecret,
    endpoints: {
      authorizationUrl: env[`${prefix}AUTHORIZATION_URL`],
      tokenUrl: env[`${prefix}TOKEN_URL`],
      userInfoUrl: env[`${prefix}USERINFO_URL`],
      tokenInfoUrl: env[`${prefix}TOKENINFO_URL`],
      jwksUri: env[`${prefix}JWKS_URI`],
    },
  });
}
