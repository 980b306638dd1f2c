import { epochSeconds, MemorySessionStore, SessionData } from '../../src/session';
import { PEEK_BY_ACCESS_TOKEN } from '../../src/session/session-peek';
import { makeSession } from './store-contract';

/** What the memory store keeps encoded and what it keeps as a frozen copy, side by side. */
describe('MemorySessionStore stored forms', () => {
  it.each([
    ['JSON-like metadata (kept encoded)', { plan: 'pro', n: [1, 2] }],
    ['metadata only structuredClone copies (kept as a frozen copy)', { seen: new Date(0), tags: new Set(['a']) }],
  ])('hands out equal, independent deep copies of a session with %s', async (_name, metadata) => {
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
    expect(Object.isFrozen(found)).toBe(false);
  });

  it.each([
    ['encoded', { plan: 'pro' }],
    ['frozen copy', { seen: new Date(0) }],
  ])('lends one frozen object per revision (%s), gone once the session is', async (_name, metadata) => {
    const store = new MemorySessionStore();
    const session = makeSession({ metadata });
    await store.save(session);
    const lent = store[PEEK_BY_ACCESS_TOKEN](session.accessToken) as SessionData;
    expect(Object.isFrozen(lent) && Object.isFrozen(lent.metadata) && Object.isFrozen(lent.userInfo)).toBe(true);
    expect(lent).toStrictEqual(session.clone());
    await store.findByAccessToken(session.accessToken);
    await store.load('user-1', 'github');
    expect(store[PEEK_BY_ACCESS_TOKEN](session.accessToken)).toBe(lent);

    await store.save(session); // same content, new revision
    const resaved = store[PEEK_BY_ACCESS_TOKEN](session.accessToken);
    expect(resaved).not.toBe(lent);
    expect(store[PEEK_BY_ACCESS_TOKEN](session.accessToken)).toBe(resaved);

    await store.delete('user-1', 'github');
    expect(store[PEEK_BY_ACCESS_TOKEN](session.accessToken)).toBeUndefined();
  });

  it('forgets a session past retention when it is looked up by token', async () => {
    const store = new MemorySessionStore({ retainExpiredSeconds: 10 });
    const peeked = makeSession({ userId: 'a', expiresAt: epochSeconds() - 11 });
    const found = makeSession({ userId: 'b', expiresAt: epochSeconds() - 5 });
    await store.save(found);
    await store.save(peeked); // past retention already: not stored at all
    expect(store[PEEK_BY_ACCESS_TOKEN](peeked.accessToken)).toBeUndefined();
    expect((await store.findByAccessToken(found.accessToken))?.isExpired()).toBe(true);

    const later = Date.now() + 6000;
    const now = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(await store.findByAccessToken(found.accessToken)).toBeNull();
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
  });

  it('counts a find by token as a use for maxSessions', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    const a = makeSession({ userId: 'a' });
    await store.save(a);
    await store.save(makeSession({ userId: 'b' }));
    await store.findByAccessToken(a.accessToken); // a is now more recent than b

    await store.save(makeSession({ userId: 'c' }));

    expect((await store.listUsers()).sort()).toEqual(['a', 'c']);
  });

  it('keeps every session findable while its index grows, and none after they are deleted', async () => {
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
