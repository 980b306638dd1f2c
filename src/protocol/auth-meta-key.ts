/** `_meta` key under which `tools/list` states each tool's requirements (`{ required, provider?, scopes, roles, permissions, public? }`). */
export const AUTH_META_KEY = 'nextmcp/auth';
