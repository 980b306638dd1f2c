/** RFC 9728 protected-resource metadata, as MCP clients read it to find where to get a token. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
  [key: string]: unknown;
}

/** The well-known URL for a resource URL: `/.well-known/oauth-protected-resource{path}` (RFC 9728 §3.1). */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}
