import { startOidcIssuer } from '../../../test/support/oidc-issuer';

/**
 * A JWT issuer for an example: the one named by `JWT_ISSUER` (with `JWT_JWKS_URI`, default
 * `${JWT_ISSUER}/.well-known/jwks.json`), whose tokens you bring yourself; else a local OIDC issuer on
 * 127.0.0.1 (oauth2-mock-server, as `examples/quickstart` uses) that can mint tokens for the demo.
 */
export interface ExampleIssuer {
  issuer: string;
  jwksUri: string;
  /** Mints a token (local issuer only). */
  mint?(claims: { sub: string; scope: string; aud: string; roles?: string[]; permissions?: string[] }): Promise<string>;
  close(): Promise<void>;
}

export async function useIssuer(env: NodeJS.ProcessEnv): Promise<ExampleIssuer> {
  if (env.JWT_ISSUER) {
    return { issuer: env.JWT_ISSUER, jwksUri: env.JWT_JWKS_URI ?? `${env.JWT_ISSUER}/.well-known/jwks.json`, close: async () => undefined };
  }
  const local = await startOidcIssuer();
  return {
    issuer: local.url,
    jwksUri: local.jwksUri,
    mint: ({ sub, scope, aud, roles, permissions }) => local.mintToken({ sub, scope, aud, claims: { roles, permissions } }),
    close: () => local.stop(),
  };
}
