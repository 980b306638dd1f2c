import { MemorySessionStore, SessionData } from '../../src/session';
import { hashToken } from '../../src/auth/token-hash';
import { epochSeconds } from '../../src/session/session-data';
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

  it('counts a find by token as a use', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    const a = makeSession({ userId: 'a' });
    await store.save(a);
    await store.save(makeSession({ userId: 'b' }));
    await store.findByAccessToken(a.accessToken); // a is now more recent than b

    await store.save(makeSession({ userId: 'c' }));

    expect((await store.listUsers()).sort()).toEqual(['a', 'c']);
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

describe('MemorySessionStore', () => {
  it.each([
    ['JSON-like metadata', { plan: 'pro', n: [1, 2] }],
    ['metadata only structuredClone copies', { seen: new Date(0), tags: new Set(['a']) }],
  ])('hands out equal, independent, editable copies of a session with %s', async (_name, metadata) => {
    const store = new MemorySessionStore();
    const session = makeSession({ metadata });
    await store.save(session);

    const found = (await store.findByAccessToken(session.accessToken)) as SessionData;
    const loaded = (await store.load('user-1', 'github')) as SessionData;
    expect(found).toStrictEqual(session.clone());
    expect(loaded).toStrictEqual(session.clone());

    found.metadata.extra = true;
    found.scopes.push('admin');
    session.userInfo.login = 'edited after save';
    expect(await store.findByAccessToken(session.accessToken)).toStrictEqual(loaded);
    expect(Object.isFrozen(found) || Object.isFrozen(found.metadata)).toBe(false);
  });

  it('forgets a session past retention when it is looked up by token', async () => {
    const store = new MemorySessionStore({ retainExpiredSeconds: 10 });
    const over = makeSession({ userId: 'a', expiresAt: epochSeconds() - 11 });
    const expired = makeSession({ userId: 'b', expiresAt: epochSeconds() - 5 });
    await store.save(expired);
    await store.save(over); // past retention already: not stored at all
    expect(await store.findByAccessToken(over.accessToken)).toBeNull();
    expect((await store.findByAccessToken(expired.accessToken))?.isExpired()).toBe(true);

    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 6000);
    try {
      expect(await store.findByAccessToken(expired.accessToken)).toBeNull();
      expect(await store.listUsers()).toEqual([]);
    } finally {
      now.mockRestore();
    }
  });

  it('finds a token by the identity that saved it last; deleting that one leaves it unfound', async () => {
    const store = new MemorySessionStore();
    await store.save(makeSession({ userId: 'a', accessToken: 'shared' }));
    await store.save(makeSession({ userId: 'b', accessToken: 'shared' }));
    expect((await store.findByAccessToken('shared'))?.userId).toBe('b');

    await store.delete('b', 'github');
    expect(await store.findByAccessToken('shared')).toBeNull();
    expect((await store.load('a', 'github'))?.accessToken).toBe('shared');

    await store.save(makeSession({ userId: 'a', accessToken: 'shared' }));
    expect((await store.findByAccessToken('shared'))?.userId).toBe('a');
    await store.save(makeSession({ userId: 'c', accessToken: 'shared' }));
    await store.save(makeSession({ userId: 'a', accessToken: 'a-2' })); // a moves on: c keeps the token
    expect((await store.findByAccessToken('shared'))?.userId).toBe('c');
  });

  it('finds each of two tokens whose hashes share the index tag (the first 30 bits), before and after one goes', async () => {
    // Birthday search: among random tokens, two share their hash's first five base64url digits.
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const token = `gho_collide_${i}`;
      const tag = hashToken(token).slice(0, 5);
      const other = seen.get(tag);
      if (other) pair = [other, token];
      else seen.set(tag, token);
    }
    const store = new MemorySessionStore();
    await store.save(makeSession({ userId: 'first', accessToken: pair[0] }));
    await store.save(makeSession({ userId: 'second', accessToken: pair[1] }));
    expect((await store.findByAccessToken(pair[0]))?.userId).toBe('first');
    expect((await store.findByAccessToken(pair[1]))?.userId).toBe('second');
    await store.delete('first', makeSession().provider);
    expect(await store.findByAccessToken(pair[0])).toBeNull();
    expect((await store.findByAccessToken(pair[1]))?.userId).toBe('second');
  });

  it('keeps every session findable by token while it grows, and none after they are deleted', async () => {
    const store = new MemorySessionStore();
    const sessions = Array.from({ length: 3000 }, (_, i) => new SessionData({ userId: `u${i}`, accessToken: `token-${i}` }));
    for (const session of sessions) await store.save(session);
    for (const session of sessions) expect((await store.findByAccessToken(session.accessToken))?.userId).toBe(session.userId);

    for (const session of sessions.slice(0, 2900)) await store.delete(session.userId);
    for (const session of sessions.slice(0, 2900)) expect(await store.findByAccessToken(session.accessToken)).toBeNull();
    for (const session of sessions.slice(2900)) expect((await store.findByAccessToken(session.accessToken))?.userId).toBe(session.userId);
    expect(await store.clearAll()).toBe(100);
    expect(await store.findByAccessToken('token-2999')).toBeNull();
  });
});
