import { Redis } from 'ioredis';
import { RedisSessionStore, SessionStoreUnavailableError, type SessionStore } from '../../src/session';
import { deleteKeysWithPrefix, describeWithRedis, describeWithRedisServer, REDIS_URL, RedisServerProcess, uniqueKeyPrefix } from '../support/redis';
import { eventually } from './store-contract';

/*
 * RedisSessionStore.lockRefresh: one refresher at a time across replicas. Each "replica" is its own
 * store instance with its own connection, sharing the real Redis and a key prefix.
 */

describeWithRedis('RedisSessionStore.lockRefresh across replicas', () => {
  const keyPrefix = uniqueKeyPrefix();
  const stores: RedisSessionStore[] = [];
  let raw: Redis;

  function replica(): SessionStore {
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix });
    stores.push(store);
    return store;
  }

  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await deleteKeysWithPrefix(keyPrefix);
  });
  afterAll(() => raw.disconnect());

  it('gives the lock to one replica; the other gets null until it is released', async () => {
    const [a, b] = [replica(), replica()];

    const release = await a.lockRefresh!('user-1', 'google', 10_000);
    expect(release).toEqual(expect.any(Function));
    await expect(b.lockRefresh!('user-1', 'google', 10_000)).resolves.toBeNull();
    await expect(a.lockRefresh!('user-1', 'google', 10_000)).resolves.toBeNull(); // not re-entrant
    // Other identities have locks of their own.
    await expect(b.lockRefresh!('user-1', 'github', 10_000)).resolves.toEqual(expect.any(Function));
    await expect(b.lockRefresh!('user-2', 'google', 10_000)).resolves.toEqual(expect.any(Function));
    await expect(b.lockRefresh!('user-1', undefined, 10_000)).resolves.toEqual(expect.any(Function));

    await release!();
    await release!(); // twice is harmless

    await expect(b.lockRefresh!('user-1', 'google', 10_000)).resolves.toEqual(expect.any(Function));
  });

  it("frees only its holder's lock: a late release after expiry leaves the next holder's lock alone", async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    const lateRelease = (await a.lockRefresh!('user-1', 'google', 200))!;
    let releaseB: (() => Promise<void>) | null = null;
    await eventually(async () => (releaseB = await b.lockRefresh!('user-1', 'google', 10_000)) !== null, 5000);

    await lateRelease();

    await expect(c.lockRefresh!('user-1', 'google', 10_000)).resolves.toBeNull();
    await releaseB!();
    await expect(c.lockRefresh!('user-1', 'google', 10_000)).resolves.toEqual(expect.any(Function));
  });

  it('expires by itself after ttlMs when its holder never releases it (a crashed replica)', async () => {
    const [a, b] = [replica(), replica()];
    await a.lockRefresh!('user-1', 'google', 300);
    const [, [lockKey]] = await raw.scan('0', 'MATCH', `${keyPrefix}*refresh-lock*`, 'COUNT', 1_000_000);
    const ttl = await raw.pttl(lockKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await expect(b.lockRefresh!('user-1', 'google', 10_000)).resolves.toBeNull();

    await eventually(async () => (await b.lockRefresh!('user-1', 'google', 10_000)) !== null, 5000);
  });

  it('is no session: listing, loading and cleanup do not see it', async () => {
    const a = replica();
    await a.lockRefresh!('user-1', 'google', 10_000);

    await expect(a.listUsers()).resolves.toEqual([]);
    await expect(a.exists('user-1')).resolves.toBe(false);
    await expect(a.cleanupExpired()).resolves.toBe(0);
    await expect(a.clearAll()).resolves.toBe(0);
  });

  it('refuses bad arguments with typed errors before reaching Redis', async () => {
    const a = replica();
    await expect(a.lockRefresh!('user-1', 'google', 0)).rejects.toThrow(RangeError);
    await expect(a.lockRefresh!('user-1', 'google', 1.5)).rejects.toThrow(RangeError);
    await expect(a.lockRefresh!('', 'google', 1000)).rejects.toThrow(TypeError);
  });
});

describeWithRedisServer('RedisSessionStore.lockRefresh when Redis goes away', () => {
  let server: RedisServerProcess;
  let store: RedisSessionStore;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    store = new RedisSessionStore({ url: server.url, keyPrefix: 'lock-outage:', commandTimeoutMs: 500 });
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('fails closed with SessionStoreUnavailableError within the bound, and a release does not reject', async () => {
    const release = (await store.lockRefresh('user-1', 'google', 10_000))!;
    await server.stop();

    const started = Date.now();
    const failure = await store.lockRefresh('user-2', 'google', 10_000).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionStoreUnavailableError);
    expect((failure as SessionStoreUnavailableError).code).toBe('session_store_unavailable');
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(release()).resolves.toBeUndefined();

    await server.start();
    await eventually(() => store.lockRefresh('user-3', 'google', 10_000).then((r) => r !== null, () => false), 15_000);
  }, 30_000);
});
