/**
 * Scopes, roles or permissions as a list: an array of strings, or one space-separated string
 * (OAuth's `scope` spelling). Anything else grants nothing.
 */
export function grantList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}
