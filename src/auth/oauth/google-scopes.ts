/** Google reports these scopes as URLs; the short names are what people write (DESIGN §5). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  'https://www.googleapis.com/auth/userinfo.email': 'email',
  'https://www.googleapis.com/auth/userinfo.profile': 'profile',
  openid: 'openid',
};

/**
 * The scopes of a Google token as reported (space-separated, often URLs) plus the short names
 * `openid`, `email`, `profile` they stand for, so `requiredScopes: ['email']` matches.
 */
export function expandGoogleScopes(reported: string): string[] {
  const scopes = new Set<string>();
  for (const scope of reported.split(/\s+/).filter((s) => s !== '')) {
    scopes.add(scope);
    const shortName = SHORT_NAMES[scope];
    if (shortName) scopes.add(shortName);
  }
  return [...scopes];
}
