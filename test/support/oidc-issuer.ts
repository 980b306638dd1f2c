import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Issuer, OAuth2Service, type JWK } from 'oauth2-mock-server';

/** What `mintToken` puts in a token; everything is optional. */
export interface MintTokenOptions {
  /** `sub` claim. Default `'user-1'`. */
  sub?: string;
  /** `scope` claim: a space-separated string, or an array joined with spaces. */
  scope?: string | string[];
  /** `aud` claim. Omitted unless given. */
  aud?: string | string[];
  /** Seconds until `exp` (negative for an expired token). Default 3600. */
  expiresIn?: number;
  /** Extra or replacement claims (`iss`, `nbf`, `roles`, …); a claim set to `undefined` is removed. */
  claims?: Record<string, unknown>;
  /** Extra header parameters (`typ`, `jku`, …). `alg` always follows the signing key. */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the current one (see `rotateKey`). */
  kid?: string;
}

/** A running local OIDC issuer (oauth2-mock-server) on 127.0.0.1. */
export interface TestIssuer {
  /** Issuer identifier, `http://127.0.0.1:<port>` (no trailing slash): the `iss` of minted tokens. */
  readonly url: string;
  /** `${url}/jwks`. */
  readonly jwksUri: string;
  /** The mock's issuer (keys, `buildToken`), for anything this helper does not cover. */
  readonly issuer: OAuth2Issuer;
  /** The mock's HTTP service; listen to its events (e.g. `beforeTokenSigning`) to shape tokens it issues. */
  readonly service: OAuth2Service;
  /** The `kid` `mintToken` signs with by default. */
  readonly currentKid: string;
  /** Signs a token with the issuer's current key. */
  mintToken(options?: MintTokenOptions): Promise<string>;
  /** Adds a new signing key, served in the JWKS from now on, and makes it the default for `mintToken`. */
  rotateKey(alg?: string): Promise<JWK>;
  /** How many requests reached `path` (e.g. `'/jwks'`) since start. */
  requestCount(path: string): number;
  stop(): Promise<void>;
}

/**
 * Starts a local OIDC issuer on 127.0.0.1 with one signing key. The mock's request handler is
 * mounted on our own HTTP server so tests can count requests per path (JWKS fetches) and close
 * keep-alive connections on `stop()`.
 *
 * @example
 * const idp = await startOidcIssuer();
 * const token = await idp.mintToken({ sub: 'alice', scope: 'read write', aud: 'https://api.test' });
 * const jwt = new JwtProvider({ jwksUri: idp.jwksUri, issuer: idp.url, audience: 'https://api.test' });
 * await idp.stop();
 */
export async function startOidcIssuer(options: { alg?: string } = {}): Promise<TestIssuer> {
  const issuer = new OAuth2Issuer();
  const service = new OAuth2Service(issuer);
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    service.requestHandler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.url = url;
  let currentKid = (await issuer.keys.generate(options.alg ?? 'RS256')).kid;

  return {
    url,
    jwksUri: `${url}/jwks`,
    issuer,
    service,
    get currentKid() {
      return currentKid;
    },
    mintToken: (mint = {}) =>
      issuer.buildToken({
        kid: mint.kid ?? currentKid,
        expiresIn: mint.expiresIn ?? 3600,
        scopesOrTransform: (header, payload) => {
          payload.sub = mint.sub ?? 'user-1';
          if (mint.scope !== undefined) {
            payload.scope = Array.isArray(mint.scope) ? mint.scope.join(' ') : mint.scope;
          }
          if (mint.aud !== undefined) payload.aud = mint.aud;
          assignDefined(payload, mint.claims);
          assignDefined(header, mint.header);
        },
      }),
    async rotateKey(alg = 'RS256') {
      const key = await issuer.keys.generate(alg);
      currentKid = key.kid;
      return key;
    },
    requestCount: (path) => counts.get(path) ?? 0,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Copies `extra` onto `target`, deleting the keys whose value is `undefined`. */
function assignDefined(target: Record<string, unknown>, extra: Record<string, unknown> | undefined): void {
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete target[name];
    else target[name] = value;
  }
}
