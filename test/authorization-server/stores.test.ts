import { createServer, type Server, type Socket } from 'node:net';
import { AuthorizationStoreError, type AuthorizationStore } from '../../src/auth/authorization-server/authorization-store';
import { MemoryAuthorizationStore } from '../../src/auth/authorization-server/memory-authorization-store';
import { RedisAuthorizationStore } from '../../src/auth/authorization-server/redis-authorization-store';
import { deleteKeysWithPrefix, describeWithRedis, REDIS_URL, uniqueKeyPrefix } from '../support/redis';

/** The behaviour every AuthorizationStore has, run identically on both stores. */
function describeStoreContract(name: string, open: () => AuthorizationStore, cleanup: () => Promise<void> = async () => undefined) {
  describe(`${name}: AuthorizationStore contract`, () => {
    let store: AuthorizationStore;
    beforeEach(() => {
      store = open();
    });
    afterEach(async () => {
      await cleanup();
      await store.close?.();
    });

    it('sets, gets and deletes a value', async () => {
      expect(await store.set('client:a', 'one', 60)).toBe(true);
      expect(await store.get('client:a')).toBe('one');
      expect(await store.set('client:a', 'two', 60)).toBe(true);
      expect(await store.get('client:a')).toBe('two');
      expect(await store.delete('client:a')).toBe(true);
      expect(await store.delete('client:a')).toBe(false);
      expect(await store.get('client:a')).toBeNull();
    });

    it('writes with onlyIfAbsent only when the key holds nothing, and keeps the first value', async () => {
      expect(await store.set('lock', 'first', 60, { onlyIfAbsent: true })).toBe(true);
      expect(await store.set('lock', 'second', 60, { onlyIfAbsent: true })).toBe(false);
      expect(await store.get('lock')).toBe('first');
    });

    it('takes a value for exactly one of many concurrent callers', async () => {
      await store.set('code:x', 'grant', 60);
      const taken = await Promise.all(Array.from({ length: 20 }, () => store.take('code:x')));
      expect(taken.filter((v) => v === 'grant')).toHaveLength(1);
      expect(taken.filter((v) => v === null)).toHaveLength(19);
      expect(await store.get('code:x')).toBeNull();
    });

    it('forgets a value after its TTL', async () => {
      await store.set('txn:short', 'v', 1);
      await store.set('txn:long', 'v', 60);
      await new Promise((done) => setTimeout(done, 1_200));
      expect(await store.get('txn:short')).toBeNull();
      expect(await store.take('txn:short')).toBeNull();
      expect(await store.set('txn:short', 'again', 60, { onlyIfAbsent: true })).toBe(true);
      expect(await store.get('txn:long')).toBe('v');
    });

    it('refuses a TTL that is not positive, storing nothing', async () => {
      await expect(store.set('k', 'v', 0)).rejects.toThrow(RangeError);
      await expect(store.set('k', 'v', Number.NaN)).rejects.toThrow(RangeError);
      expect(await store.get('k')).toBeNull();
    });
  });
}

describeStoreContract('MemoryAuthorizationStore', () => new MemoryAuthorizationStore({ maxEntries: 100 }));

describe('MemoryAuthorizationStore bounds', () => {
  it('keeps at most maxEntries records, dropping the least recently used', async () => {
    const store = new MemoryAuthorizationStore({ maxEntries: 2 });
    await store.set('a', '1', 60);
    await store.set('b', '2', 60);
    await store.get('a');
    await store.set('c', '3', 60);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('a')).toBe('1');
    expect(await store.get('c')).toBe('3');
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new MemoryAuthorizationStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describeWithRedis('RedisAuthorizationStore', () => {
  const prefix = uniqueKeyPrefix();
  describeStoreContract(
    'RedisAuthorizationStore',
    () => new RedisAuthorizationStore({ url: REDIS_URL, keyPrefix: prefix }),
    () => deleteKeysWithPrefix(prefix),
  );

  it('writes every key under its prefix, nowhere else', async () => {
    const own = uniqueKeyPrefix();
    const store = new RedisAuthorizationStore({ url: REDIS_URL, keyPrefix: own });
    try {
      await store.set('grant:g1', 'v', 60);
      expect(await store.client.get(`${own}grant:g1`)).toBe('v');
      expect(await store.client.ttl(`${own}grant:g1`)).toBeGreaterThan(50);
    } finally {
      await deleteKeysWithPrefix(own);
      await store.close();
    }
  });

  it('uses a client it was given and leaves it open on close', async () => {
    const owner = new RedisAuthorizationStore({ url: REDIS_URL, keyPrefix: prefix });
    const shared = new RedisAuthorizationStore({ client: owner.client, keyPrefix: prefix });
    await shared.set('k', 'v', 60);
    await shared.close();
    expect(await owner.get('k')).toBe('v');
    await deleteKeysWithPrefix(prefix);
    await owner.close();
  });
});

describe('RedisAuthorizationStore when Redis does not answer', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: a hung Redis.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));
  });

  it('fails closed with AuthorizationStoreError within the bound, naming no key or value', async () => {
    const port = (silent.address() as { port: number }).port;
    const store = new RedisAuthorizationStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 300 });
    try {
      const error = await store.set('refresh:secret-hash', 'secret-value', 60).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthorizationStoreError);
      expect((error as AuthorizationStoreError).code).toBe('authorization_store_unavailable');
      expect(String((error as Error).message)).not.toMatch(/secret/);
      await expect(store.take('code:x')).rejects.toBeInstanceOf(AuthorizationStoreError);
    } finally {
      await store.close();
    }
  });
});
