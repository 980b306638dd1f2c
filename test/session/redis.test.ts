import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { hashToken } from '../../src/auth/token-hash';
import { epochSeconds } from '../../src/session/session-data';
import { RedisSessionStore, type RedisSessionStoreOptions, SessionStoreError } from '../../src/session';
import { deleteKeysWithPrefix, describeWithRedis, REDIS_URL, uniqueKeyPrefix } from '../support/redis';
import { describeSessionStoreContract, eventually, makeSession } from './store-contract';

describeWithRedis('RedisSessionStore against the real Redis', () => {
  const keyPrefix = uniqueKeyPrefix();
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(keyPrefix);
    raw.disconnect();
  });

  describeSessionStoreContract('RedisSessionStore', {
    create: (options) => new RedisSessionStore({ url: REDIS_URL, keyPrefix, ...options }),
  });
  describeSessionStoreContract('RedisSessionStore (encrypted)', {
    create: (options) => new RedisSessionStore({ url: REDIS_URL, keyPrefix, encryptionKey: randomBytes(32), ...options }),
  });

  describe('Redis specifics', () => {
    const stores: RedisSessionStore[] = [];
    function storeWith(options: RedisSessionStoreOptions = {}): RedisSessionStore {
      const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix, ...options });
      stores.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of stores.splice(0)) {
        await store.clearAll();
        await store.close();
      }
    });

    async function keysUnderPrefix(): Promise<string[]> {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found;
    }

    async function sessionKey(): Promise<string> {
      const [key] = (await keysUnderPrefix()).filter((candidate) => candidate.includes(':session:'));
      return key;
    }

    it('sets key TTLs from expiresAt plus the retention window', async () => {
      const store = storeWith({ retainExpiredSeconds: 60 });
      const session = makeSession({ expiresAt: epochSeconds() + 3600 });
      await store.save(session);

      const keys = await keysUnderPrefix();
      expect(keys).toHaveLength(3); // session, user index, token index
      for (const key of keys) {
        const ttl = await raw.pttl(key);
        expect(ttl).toBeGreaterThan((3600 + 60 - 5) * 1000);
        expect(ttl).toBeLessThanOrEqual((3600 + 60) * 1000);
      }

      await store.updateTokens('user-1', { accessToken: 'short-lived', expiresIn: 100 }, 'github');
      expect(await raw.pttl(await sessionKey())).toBeLessThanOrEqual((100 + 60) * 1000);
      expect(await raw.pttl(`${keyPrefix}token:${hashToken('short-lived')}`)).toBeLessThanOrEqual((100 + 60) * 1000);
    });

    it('sets no TTL on a session without expiresAt', async () => {
      const store = storeWith();
      await store.save(makeSession({ expiresAt: undefined }));

      for (const key of await keysUnderPrefix()) expect(await raw.pttl(key)).toBe(-1);
    });

    it('keeps tokens and user info out of Redis when encrypted', async () => {
      const store = storeWith({ encryptionKey: randomBytes(32).toString('base64') });
      await store.save(makeSession({ accessToken: 'gho_access-secret', refreshToken: 'ghr_refresh-secret' }));
      await store.updateTokens('user-1', { accessToken: 'gho_rotated-secret', refreshToken: 'ghr_rotated-refresh' }, 'github');

      const dump: string[] = [];
      for (const key of await keysUnderPrefix()) {
        dump.push(key);
        const type = await raw.type(key);
        if (type === 'string') dump.push((await raw.getBuffer(key))!.toString('latin1'));
        else if (type === 'set') dump.push(...(await raw.smembers(key)));
        else throw new Error(`unexpected ${type} key`);
      }
      const bytes = dump.join('\n');

      for (const secret of ['access-secret', 'refresh-secret', 'rotated-secret', 'rotated-refresh', 'octo@example.com']) {
        expect(bytes).not.toContain(secret);
      }
      expect((await store.findByAccessToken('gho_rotated-secret'))?.refreshToken).toBe('ghr_rotated-refresh');
    });

    it('lists, cleans up and clears with SCAN, never KEYS', async () => {
      const store = storeWith();
      await store.save(makeSession({ userId: 'a' }));
      await store.save(makeSession({ userId: 'b', expiresAt: epochSeconds() - 1 }));
      const keys = jest.spyOn(store.client, 'keys');
      const scan = jest.spyOn(store.client as Redis, 'scan');

      expect((await store.listUsers()).sort()).toEqual(['a', 'b']);
      await expect(store.cleanupExpired()).resolves.toBe(1);
      await expect(store.clearAll()).resolves.toBe(1);

      expect(scan).toHaveBeenCalled();
      expect(keys).not.toHaveBeenCalled();
      expect(await keysUnderPrefix()).toEqual([]);
    });

    it('leaves keys that are not the store\'s alone on clearAll', async () => {
      const store = storeWith();
      await store.save(makeSession());
      await raw.set(`${keyPrefix}oauth-state:abc`, 'kept', 'EX', 60);

      await expect(store.clearAll()).resolves.toBe(1);

      await expect(raw.get(`${keyPrefix}oauth-state:abc`)).resolves.toBe('kept');
    });

    it('applies concurrent updateTokens atomically, from two connections', async () => {
      const first = storeWith();
      const second = storeWith();
      await first.save(makeSession({ accessToken: 'initial' }));
      const updates = Array.from({ length: 20 }, (_, i) => ({ accessToken: `access-${i}`, refreshToken: `refresh-${i}`, expiresIn: 600 + i }));

      await Promise.all(updates.map((update, i) => (i % 2 === 0 ? first : second).updateTokens('user-1', update, 'github')));

      const final = await first.load('user-1', 'github');
      const winner = updates.findIndex((update) => update.accessToken === final?.accessToken);
      expect(winner).toBeGreaterThanOrEqual(0);
      expect(final?.refreshToken).toBe(`refresh-${winner}`); // never a mix of two updates
      for (const update of updates) {
        const found = await second.findByAccessToken(update.accessToken);
        expect(found === null ? null : found.accessToken).toBe(update.accessToken === final?.accessToken ? update.accessToken : null);
      }
      await expect(first.findByAccessToken('initial')).resolves.toBeNull();
    });

    it('never returns a session through a stale token index key', async () => {
      const store = storeWith();
      await store.save(makeSession({ accessToken: 'old-token' }));
      const oldKey = `${keyPrefix}token:${hashToken('old-token')}`;
      const stalePointer = await raw.get(oldKey);
      await store.updateTokens('user-1', { accessToken: 'new-token' }, 'github');
      await expect(raw.exists(oldKey)).resolves.toBe(0);

      await raw.set(oldKey, stalePointer!, 'EX', 60);

      await expect(store.findByAccessToken('old-token')).resolves.toBeNull();
      expect((await store.findByAccessToken('new-token'))?.userId).toBe('user-1');
    });

    it('quarantines a corrupt record and reports it without the token', async () => {
      const onCorrupt = jest.fn();
      const store = storeWith({ onCorrupt });
      await store.save(makeSession({ userId: 'victim' }));
      await store.save(makeSession({ userId: 'bystander' }));
      const key = (await keysUnderPrefix()).find((candidate) => candidate.includes('{victim}:session:'))!;
      await raw.set(key, '{"format":1,"accessToken":"corrupt-secret-token"');

      await expect(store.load('victim', 'github')).resolves.toBeNull();

      await eventually(async () => onCorrupt.mock.calls.length === 1);
      expect(onCorrupt).toHaveBeenCalledWith(expect.objectContaining({ location: key, quarantinedAs: expect.stringContaining(':corrupt:') }));
      expect(JSON.stringify(onCorrupt.mock.calls)).not.toContain('corrupt-secret-token');
      await expect(raw.exists(key)).resolves.toBe(0);
      expect((await store.load('bystander'))?.userId).toBe('bystander');
      await expect(store.listUsers()).resolves.toEqual(['bystander']);
    });

    it('shares an injected client and does not quit it on close', async () => {
      const client = new Redis(REDIS_URL);
      try {
        const store = new RedisSessionStore({ client, keyPrefix });
        expect(store.client).toBe(client);
        await store.save(makeSession());
        await store.clearAll();

        await store.close();

        await expect(client.ping()).resolves.toBe('PONG');
      } finally {
        client.disconnect();
      }
    });

    it('quits the connection it opened on close', async () => {
      const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix });
      await store.exists('anyone');

      await store.close();

      await eventually(async () => store.client.status === 'end');
      await expect(store.load('anyone')).rejects.toBeInstanceOf(SessionStoreError);
    });

    it('refuses options that cannot work, before connecting', () => {
      expect(() => new RedisSessionStore({ keyPrefix: 'a{b}:' })).toThrow(TypeError);
      expect(() => new RedisSessionStore({ url: REDIS_URL, client: raw })).toThrow(TypeError);
      expect(() => new RedisSessionStore({ commandTimeoutMs: 0 })).toThrow(RangeError);
      expect(() => new RedisSessionStore({ encryptionKey: 'short' })).toThrow(TypeError);
    });
  });
});
