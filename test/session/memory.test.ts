import { MemorySessionStore } from '../../src/session';
import { describeSessionStoreContract, makeSession } from './store-contract';

describeSessionStoreContract('MemorySessionStore', { create: (options) => new MemorySessionStore(options) });
describeSessionStoreContract('MemorySessionStore (bounded)', {
  create: (options) => new MemorySessionStore({ ...options, maxSessions: 100 }),
});

describe('MemorySessionStore with maxSessions', () => {
  it('evicts the least recently used session and its index entries', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    const a = makeSession({ userId: 'a' });
    const b = makeSession({ userId: 'b' });
    const c = makeSession({ userId: 'c' });
    await store.save(a);
    await store.save(b);
    await store.load('a'); // a is now more recent than b

    await store.save(c);

    await expect(store.load('b')).resolves.toBeNull();
    await expect(store.findByAccessToken(b.accessToken)).resolves.toBeNull();
    expect((await store.listUsers()).sort()).toEqual(['a', 'c']);
    expect((await store.findByAccessToken(a.accessToken))?.userId).toBe('a');
  });

  it('drops an evicted provider from the user index, so load(userId) is no longer ambiguous', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    await store.save(makeSession({ userId: '123', provider: 'github' }));
    await store.save(makeSession({ userId: '123', provider: 'google' }));

    await store.save(makeSession({ userId: 'other' })); // evicts 123/github, the oldest

    expect((await store.load('123'))?.provider).toBe('google');
  });

  it('reports an eviction through onChange', async () => {
    const store = new MemorySessionStore({ maxSessions: 1 });
    const changes: unknown[] = [];
    store.onChange((change) => changes.push(change));
    await store.save(makeSession({ userId: 'first', provider: 'google' }));

    await store.save(makeSession({ userId: 'second' }));

    expect(changes).toEqual([{ type: 'deleted', userId: 'first', provider: 'google' }]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new MemorySessionStore({ maxSessions: 0 })).toThrow(RangeError);
    expect(() => new MemorySessionStore({ maxSessions: 1.5 })).toThrow(RangeError);
  });
});
