/** Schemes a redirect URI may never use: they run code or read local data in the browser. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);

/** Hosts that name this machine; `http:` is allowed only on them (RFC 8252 §7.3). */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname);
}

/**
 * Why `uri` cannot be a redirect URI, or undefined when it can: absolute, no fragment, no
 * credentials; `https:`, `http:` on a loopback host, or a private-use scheme of a native app
 * (RFC 8252 §7.1) other than the ones that run code or read local data.
 */
export function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri === '') return 'must be a non-empty string';
  if (uri.length > 2000) return 'is longer than 2000 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (uri.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) return 'may use http: only on 127.0.0.1, [::1] or localhost';
  if ((url.protocol === 'https:' || url.protocol === 'http:') && url.hostname === '') return 'must name a host';
  return undefined;
}

/**
 * Whether a presented `redirect_uri` is the registered one: the same string, except that for a
 * registered `http:` loopback URI the port may differ (RFC 8252 §7.3: native apps take any free
 * port). Scheme, host, path and query stay exact, and `localhost` is not `127.0.0.1`.
 */
export function redirectUriMatches(registered: string, presented: string): boolean {
  if (registered === presented) return true;
  let want: URL;
  let got: URL;
  try {
    want = new URL(registered);
    got = new URL(presented);
  } catch {
    return false;
  }
  if (want.protocol !== 'http:' || !isLoopbackHostname(want.hostname) || presented.includes('#')) return false;
  return (
    got.protocol === want.protocol &&
    got.hostname === want.hostname &&
    got.pathname === want.pathname &&
    got.search === want.search &&
    got.username === '' &&
    got.password === ''
  );
}

/**
 * Whether `uri` matches one of the allowed patterns: exact, where `*` stands for any run of
 * characters within one path segment or port (never `/`, `?`, `#`, `@` or `:`).
 */
export function matchesAllowedRedirect(uri: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => patternRegExp(pattern).test(uri));
}

function patternRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/?#@:]*');
  return new RegExp(`^${source}$`);
}
