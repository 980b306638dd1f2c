import Redis from 'ioredis';
import { MemoryOAuthStateStore } from '../../src/auth/oauth/memory-oauth-state-store';
import { RedisOAuthStateStore } from '../../src/auth/oauth/redis-oauth-state-store';
import { StateCollisionError, type OAuthStateStore, type PendingAuthorization } from '../../src/auth/oauth/oauth-state-store';
import { createOAuthState, createPkcePair, pkceChallengeFor } from '../../src/auth/oauth/pkce';
import { RedisSessionStore } from '../../src/session/redis-store';
import { deleteKeysWithPrefix, describeWithRedis, REDIS_URL, uniqueKeyPrefix } from '../support/redis';

const pending = (): PendingAuthorization => ({
  provider: 'github',
  verifier: createPkcePair().verifier,
  redirectUri: 'http://127.0.0.1:8080/oauth/callback',
  scopes: ['read:user'],
  createdAt: Date.now(),
});

describe('PKCE and state values', () => {
  it('makes 43-character verifiers from the CSPRNG with the RFC 7636 S256 challenge', () => {
    const pairs = Array.from({ length: 50 }, createPkcePair);
    for (const pair of pairs) {
      expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(pair.challenge).toBe(pkceChallengeFor(pair.verifier));
    }
    expect(new Set(pairs.map((p) => p.verifier)).size).toBe(50);
    // RFC 7636 appendix B test vector.
    expect(pkceChallengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes unguessable, distinct states', () => {
    const states = new Set(Array.from({ length: 100 }, createOAuthState));
    expect(states.size).toBe(100);
    for (const state of states) expect(state.length).toBeGreaterThanOrEqual(43);
  });
});

/** The contract every state store keeps. */
function describeStateStoreContract(make: () => OAuthStateStore) {
  describe('state store contract', () => {
    let store: OAuthStateStore;
    beforeEach(() => {
      store = make();
    });
    afterEach(async () => {
      await store.close?.();
    });

    it('returns a saved authorization once, then never again', async () => {
      const state = createOAuthState();
      const saved = pending();
      await store.save(state, saved, 60);

      expect(await store.consume(state)).toEqual(saved);
      expect(await store.consume(state)).toBeNull();
      expect(await store.consume(createOAuthState())).toBeNull();
    });

    it('lets exactly one of many concurrent consumers have a state', async () => {
      const state = createOAuthState();
      await store.save(state, pending(), 60);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(state)));

      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('forgets an authorization after its TTL', async () => {
      const state = createOAuthState();
      await store.save(state, pending(), 0.2);
      await new Promise((resolve) => setTimeout(resolve, 400));

      expect(await store.consume(state)).toBeNull();
    });

    it('refuses to overwrite a pending state', async () => {
      const state = createOAuthState();
      await store.save(state, pending(), 60);

      await expect(store.save(state, pending(), 60)).rejects.toBeInstanceOf(StateCollisionError);
    });
  });
}

describe('MemoryOAuthStateStore', () => {
  describeStateStoreContract(() => new MemoryOAuthStateStore());

  it('keeps at most maxEntries pending authorizations', async () => {
    const store = new MemoryOAuthStateStore({ maxEntries: 5 });
    for (let i = 0; i < 20; i++) await store.save(createOAuthState(), pending(), 60);
    expect(store.size).toBe(5);
  });
});

describeWithRedis('RedisOAuthStateStore (real Redis)', () => {
  const prefix = `${uniqueKeyPrefix()}oauth-state:`;
  afterAll(() => deleteKeysWithPrefix(prefix));

  describeStateStoreContract(() => new RedisOAuthStateStore({ url: REDIS_URL, keyPrefix: `${prefix}contract:` }));

  it('refuses a replayed state on another replica; a shared client stays open for its owner', async () => {
    const replicaPrefix = `${prefix}replicas:`;
    const shared = new Redis(REDIS_URL);
    const replicaA = new RedisOAuthStateStore({ client: shared, keyPrefix: replicaPrefix });
    const replicaB = new RedisOAuthStateStore({ url: REDIS_URL, keyPrefix: replicaPrefix });
    try {
      const state = createOAuthState();
      await replicaA.save(state, pending(), 60);
      const [a, b] = await Promise.all([replicaA.consume(state), replicaB.consume(state)]);

      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
      // Keys are hashes: the state value itself is not in Redis.
      await replicaA.save(createOAuthState(), pending(), 60);
      const keys = await shared.keys(`${replicaPrefix}*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain(state);
    } finally {
      await replicaA.close();
      await replicaB.close();
      expect(shared.status).toBe('ready');
      shared.disconnect();
    }
  });
});

describeWithRedis('RedisOAuthStateStore on the session layer\'s connection', () => {
  const prefix = uniqueKeyPrefix();
  afterAll(() => deleteKeysWithPrefix(prefix));

  it('shares RedisSessionStore.client (no offline queue) from its first command, and leaves it open', async () => {
    const sessions = new RedisSessionStore({ url: REDIS_URL, keyPrefix: prefix });
    const stateStore = new RedisOAuthStateStore({ client: sessions.client, keyPrefix: `${prefix}oauth-state:` });
    try {
      const state = createOAuthState();
      await stateStore.save(state, pending(), 60);
      expect(await stateStore.consume(state)).toMatchObject({ provider: 'github' });
      await stateStore.close();
      expect(sessions.client.status).toBe('ready');
    } finally {
      await sessions.close();
    }
  });
});

describe('RedisOAuthStateStore without Redis', () => {
  it('fails closed, within a bounded time, when Redis is unreachable', async () => {
    const store = new RedisOAuthStateStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 500 });
    const started = Date.now();
    try {
      await expect(store.save(createOAuthState(), pending(), 60)).rejects.toThrow(/OAuth state store/);
      await expect(store.consume(createOAuthState())).rejects.toThrow(/OAuth state store/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      store.client.disconnect();
    }
  });
});
