import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { GitHubOAuthProvider, JwtProvider, MemoryAuthorizationStore, RedisAuthorizationStore, RedisSessionStore, createAuthMiddleware, MemorySessionStore } from '../../src';
import type { AuthorizationStore, HttpHandler, SessionStore } from '../../src';
import { startFakeGitHub, type FakeGitHub } from '../../test/support/fake-github';
import { TEST_SIGNING_KEY, obtainCode, redeem, refresh, register, type NotesServer } from '../../test/support/authorization-server';
import { nextEchoServer } from '../fixtures/echo';
import type { LocalIssuer } from '../fixtures/local-jwks';
import type { LoadProcess } from '../http/load-process';
import type { RunningServer } from '../http/sdk-servers';
import { runWindow } from '../lib/window';
import { loadLabel, type OpenScenario } from '../lib/scenario';

export const AUTH_SERVER = 'auth-server';
export const PLAIN_JWT = 'NextMCP stateless + JwtProvider (Redis session store)';
export const ISSUED_TOKEN_REDIS = 'NextMCP stateless + issued token (Redis stores)';
/**
 * What any design that reads Redis once per call before answering can reach: the plain JWT server
 * behind a front that reads one key (a bare ioredis GET) before the request goes in. The grant must
 * be read there, before any byte of the answer, since a revoked token gets a 401.
 */
export const ONE_REDIS_READ = 'NextMCP stateless + JwtProvider, one bare Redis GET before each call (floor)';
const SCOPE = 'echo';

interface AuthServerTarget extends RunningServer {
  /** What `test/support`'s OAuth helpers need to speak to the server. */
  notes: NotesServer;
  clientId: string;
}

/** The echo server behind its own authorization server, fronting the fake GitHub. */
async function startIssuingServer(gh: FakeGitHub, stores: { store: AuthorizationStore; sessionStore: SessionStore }): Promise<AuthServerTarget> {
  const github = new GitHubOAuthProvider({ clientId: gh.clientId, clientSecret: gh.clientSecret, endpoints: gh.endpoints });
  const mcp = nextEchoServer('nextmcp-bench-as');
  const authServer = mcp.enableAuthorizationServer({ upstream: github, scopesSupported: [SCOPE], signingKey: TEST_SIGNING_KEY, ...stores });
  mcp.use(createAuthMiddleware({ provider: authServer, requiredScopes: [SCOPE], sessionStore: stores.sessionStore }));
  const listener = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, stateless: true });
  const url = listener.url!;
  const notes: NotesServer = { mcp, authServer, url, origin: url.origin, close: () => mcp.close() };
  const registered = await register(notes, { grant_types: ['authorization_code', 'refresh_token'] });
  const clientId = (registered.body as { client_id: string }).client_id;
  return { url, notes, clientId, close: () => mcp.close() };
}

/** The plain JWT echo server mounted behind a Node HTTP server that GETs one Redis key first. */
async function startFloorServer(issuer: LocalIssuer, redisUrl: string, key: string): Promise<RunningServer> {
  const redis = new Redis(redisUrl);
  await redis.set(key, JSON.stringify({ clientId: 'bench', scopes: [SCOPE] }));
  const mcp = nextEchoServer().use(createAuthMiddleware({ provider: new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url }), requiredScopes: [SCOPE] }));
  let handler: HttpHandler | undefined;
  const server = createServer((req, res) => {
    redis.get(key).then(
      (value) => (value === null ? res.writeHead(500).end('floor key missing') : handler!(req, res)),
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  handler = mcp.httpHandler({ resourceUrl: url.href, stateless: true });
  return {
    url,
    close: async () => {
      await mcp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}

async function issuedTokens(target: AuthServerTarget): Promise<{ access_token: string; refresh_token: string }> {
  const { code, verifier } = await obtainCode(target.notes, target.clientId, { scope: SCOPE });
  const answer = await redeem(target.notes, target.clientId, code, verifier);
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.status}`);
  return answer.body as { access_token: string; refresh_token: string };
}

/**
 * Issue 12: a `tools/call` carrying a token our authorization server issued (its grant read from
 * the store on every request) against the same call with a plain `JwtProvider` token, over HTTP
 * with Memory and Redis stores; and the token endpoint itself (ops/s): a login's code redeemed,
 * and refresh with rotation.
 */
export async function authServerScenarios(issuer: LocalIssuer, load: LoadProcess, redisUrl: string, inFlightLevels: readonly number[]): Promise<OpenScenario[]> {
  const gh = await startFakeGitHub({ users: [{ id: 4242, login: 'bench' }] });
  const owned: { close(): Promise<void> }[] = [{ close: () => gh.stop() }];
  const closeAll = async () => {
    for (const item of owned.reverse()) await item.close().catch(() => undefined);
  };
  const prefix = `nextmcp-bench-as:${process.pid}:`;
  try {
    const jwtSessions = new RedisSessionStore({ url: redisUrl, keyPrefix: `${prefix}jwt:` });
    const jwtMcp = nextEchoServer().use(
      createAuthMiddleware({ provider: new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.url }), requiredScopes: [SCOPE], sessionStore: jwtSessions }),
    );
    const jwtListener = await jwtMcp.listen({ transport: 'http', host: '127.0.0.1', port: 0, stateless: true });
    owned.push({ close: () => jwtMcp.close() });
    const jwtToken = await issuer.mint({ audience: jwtListener.url!.href, scope: SCOPE });

    const floor = await startFloorServer(issuer, redisUrl, `${prefix}floor`);
    owned.push(floor);

    const memory = await startIssuingServer(gh, { store: new MemoryAuthorizationStore(), sessionStore: new MemorySessionStore() });
    owned.push(memory);
    const redisSessions = new RedisSessionStore({ url: redisUrl, keyPrefix: `${prefix}sessions:` });
    const redisStore = new RedisAuthorizationStore({ client: redisSessions.client, keyPrefix: `${prefix}as:` });
    owned.push({ close: async () => redisSessions.close() });
    const redis = await startIssuingServer(gh, { store: redisStore, sessionStore: redisSessions });
    owned.push(redis);
    owned.push({ close: () => deleteKeys(redisUrl, prefix) });

    const targets = [
      { name: PLAIN_JWT, url: jwtListener.url!.href, token: jwtToken },
      { name: 'NextMCP stateless + issued token (memory stores)', url: memory.url.href, token: (await issuedTokens(memory)).access_token },
      { name: ISSUED_TOKEN_REDIS, url: redis.url.href, token: (await issuedTokens(redis)).access_token },
      { name: ONE_REDIS_READ, url: floor.url.href, token: await issuer.mint({ audience: floor.url.href, scope: SCOPE }) },
    ];
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await closeAll();
    };
    const calls = inFlightLevels.flatMap((inFlight) =>
      targets.map((target): OpenScenario => {
        const label = loadLabel(inFlight);
        return {
          group: AUTH_SERVER,
          name: `${target.name} [${label}]`,
          baseline: `${PLAIN_JWT} [${label}]`,
          measure: (windowMs) => load.run({ url: target.url, headers: { authorization: `Bearer ${target.token}` }, inFlight, windowMs, stateful: false }),
          close,
        };
      }),
    );
    const tokenEndpoint = [memory, redis].flatMap((target, i): OpenScenario[] => {
      const stores = i === 0 ? 'memory' : 'Redis';
      let refreshToken: string | undefined;
      const refreshName = `token endpoint: refresh with rotation (${stores})`;
      const codeName = `token endpoint: login (authorize, consent remembered, code redeemed) (${stores})`;
      return [
        {
          group: AUTH_SERVER,
          name: refreshName,
          baseline: refreshName,
          measure: (windowMs) =>
            runWindow(async () => {
              refreshToken ??= (await issuedTokens(target)).refresh_token;
              const answer = await refresh(target.notes, target.clientId, refreshToken);
              if (answer.status !== 200) return `refresh: ${answer.status}`;
              refreshToken = (answer.body as { refresh_token: string }).refresh_token;
              return undefined;
            }, windowMs),
          close,
        },
        {
          group: AUTH_SERVER,
          name: codeName,
          baseline: codeName,
          measure: (windowMs) =>
            runWindow(async () => {
              const { code, verifier } = await obtainCode(target.notes, target.clientId, { scope: SCOPE });
              const answer = await redeem(target.notes, target.clientId, code, verifier);
              return answer.status === 200 ? undefined : `redeem: ${answer.status}`;
            }, windowMs),
          close,
        },
      ];
    });
    return [...calls, ...tokenEndpoint];
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const { deleteKeysWithPrefix } = await import('../../test/support/redis');
  await deleteKeysWithPrefix(prefix, redisUrl);
}
