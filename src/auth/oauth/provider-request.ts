import { OAuthProviderError, type ProviderFailureReason } from './oauth-errors';

/** One call to a provider API (userinfo, tokeninfo, GitHub REST). */
export interface ProviderRequest {
  /** Provider `name`, for error messages. */
  provider: string;
  /** What is called, for error messages: `'GET /user'`, `'tokeninfo'`. Never contains the token. */
  operation: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Form-encoded body for POST requests. */
  form?: Record<string, string>;
  /** The whole request, body included, is abandoned after this many milliseconds. */
  timeoutMs: number;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body. */
  body: unknown;
}

/**
 * Calls a provider API and parses its JSON answer. Every failure becomes an `OAuthProviderError`
 * whose `reason` says whether the token was refused (`invalid_token`, 4xx) or the provider could
 * not answer (`provider_unavailable`: timeout, connection refused, 5xx, 429, rate limit).
 */
export async function requestProviderJson(request: ProviderRequest): Promise<ProviderResponse> {
  const fail = (reason: ProviderFailureReason, extra: { status?: number; providerError?: string; detail?: string }) =>
    new OAuthProviderError({ provider: request.provider, operation: request.operation, reason, ...extra });

  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: {
        Accept: 'application/json',
        ...(request.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...request.headers,
      },
      body: request.form ? new URLSearchParams(request.form).toString() : undefined,
      // A provider API has no business redirecting a request that carries a bearer token.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // Duck-typed: the DOMException may come from another realm (e.g. under a test runner's vm).
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw fail('provider_unavailable', {
      detail: timedOut ? `timed out after ${request.timeoutMs} ms` : 'could not be reached',
    });
  }

  const body = parseJson(text);
  if (response.status >= 200 && response.status < 300) {
    if (body === undefined) throw fail('provider_unavailable', { status: response.status, detail: 'with a body that is not JSON' });
    return { status: response.status, headers: response.headers, body };
  }
  const providerError = isRecord(body) && typeof body.error === 'string' ? body.error : undefined;
  throw fail(failureReasonFor(response), { status: response.status, providerError });
}

/** 4xx means the provider looked at the token and said no; anything else means it could not say. */
function failureReasonFor(response: Response): ProviderFailureReason {
  if (response.status >= 500 || response.status === 429 || response.status < 400) return 'provider_unavailable';
  if (response.status === 403 && response.headers.get('x-ratelimit-remaining') === '0') return 'provider_unavailable';
  return 'invalid_token';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
