import { decodeJwt } from './providers/jose-entries';
import type { AuthProvider, Credentials } from './provider';

/** The credential to check: a bearer token or an API key, with which it is. */
export type PresentedCredential = { kind: 'bearer' | 'api_key'; value: string };

/** The usable credential in `credentials`, or undefined when there is none of the right type. */
export function presentedCredential(credentials: Credentials): PresentedCredential | undefined {
  if (typeof credentials.access_token === 'string' && credentials.access_token !== '') {
    return { kind: 'bearer', value: credentials.access_token };
  }
  if (typeof credentials.api_key === 'string' && credentials.api_key !== '') {
    return { kind: 'api_key', value: credentials.api_key };
  }
  return undefined;
}

/**
 * Which providers should check a credential, in order: the client's `provider` hint when given
 * (only that one), else those that read this kind of credential, narrowed to the providers that
 * trust a JWT's `iss` when any does. The unverified `iss` is used for routing only.
 */
export function routeCredential(
  credentials: Credentials,
  credential: PresentedCredential,
  candidates: readonly AuthProvider[],
): AuthProvider[] {
  if (typeof credentials.provider === 'string') {
    return candidates.filter((p) => p.name === credentials.provider);
  }
  const ofKind = providersOfKind(credential.kind, candidates);
  if (credential.kind !== 'bearer' || ofKind.length < 2) return ofKind;
  const issuer = unverifiedIssuer(credential.value);
  if (issuer === undefined) return ofKind;
  const trusting = ofKind.filter((p) => p.acceptsIssuer?.(issuer) === true);
  return trusting.length > 0 ? trusting : ofKind;
}

function providersOfKind(kind: PresentedCredential['kind'], candidates: readonly AuthProvider[]): AuthProvider[] {
  return candidates.filter((p) => (p.credentialKind ?? 'bearer') === kind);
}

function unverifiedIssuer(token: string): string | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    const iss = decodeJwt()(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
