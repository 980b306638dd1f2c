/**
 * A provider's endpoints: its defaults with the given overrides applied (an `undefined` override
 * keeps the default). Every URL must be absolute http(s), so a typo fails at construction.
 */
export function resolveEndpoints<T extends Record<string, string>>(
  provider: string,
  defaults: T,
  overrides: Partial<Record<keyof T, string | undefined>> | undefined,
): T {
  const endpoints = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) (endpoints as Record<string, string>)[key] = value;
  }
  for (const [key, value] of Object.entries(endpoints)) {
    let protocol: string;
    try {
      protocol = new URL(value).protocol;
    } catch {
      throw new TypeError(`${provider}: endpoints.${key} is not an absolute URL`);
    }
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw new TypeError(`${provider}: endpoints.${key} must be an http(s) URL`);
    }
  }
  return endpoints;
}
