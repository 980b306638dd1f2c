import type { AuthorizationServerContext } from './authorization-server-context';

const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'];

/** RFC 8414 authorization server metadata, as MCP clients read it to find every endpoint. */
export function authorizationServerMetadata(ctx: AuthorizationServerContext): Record<string, unknown> {
  const { settings } = ctx;
  return {
    issuer: ctx.issuer,
    authorization_endpoint: ctx.endpointUrl('authorize'),
    token_endpoint: ctx.endpointUrl('token'),
    ...(settings.registration.enabled && { registration_endpoint: ctx.endpointUrl('register') }),
    revocation_endpoint: ctx.endpointUrl('revoke'),
    jwks_uri: ctx.endpointUrl('jwks'),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    scopes_supported: [...ctx.scopesSupported],
    ...(settings.clientIdMetadataDocuments.enabled && { client_id_metadata_document_supported: true }),
    authorization_response_iss_parameter_supported: true,
  };
}
