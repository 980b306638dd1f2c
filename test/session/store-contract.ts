import { epochSeconds } from '../../src/session/session-data';
import {
  AmbiguousSessionError,
  SessionData,
  type SessionChange,
  type SessionDataInit,
  SessionNotFoundError,
  type SessionStore,
  type SessionStoreOptions,
} from '../../src/session';
import type { Logger } from '../../src';

/** How the contract gets a fresh, empty store of the kind under test. */
export interface StoreFactory {
  create(options?: SessionStoreOptions): SessionStore | Promise<SessionStore>;
}

/** A logger that keeps what it is given, per level. */
export function recordingLogger(): Logger & { lines: { level: string; fields: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function makeSession(overrides: Partial<SessionDataInit> = {}): SessionData {
  return new SessionData({
    userId: 'user-1',
    provider: 'github',
    accessToken: `access-${Math.random().toString(36).slice(2)}`,
    refreshToken: `refresh-${Math.random().toString(36).slice(2)}`,
    expiresAt: epochSeconds() + 3600,
    scopes: ['read:user', 'repo'],
    userInfo: { login: 'octocat', email: 'octo@example.com' },
    metadata: { plan: 'pro', nested: { flags: [1, 2, 3], ok: true } },
    ...overrides,
  });
}

/** Polls until `condition` holds; fails after `timeoutMs` (an upper bound, not a timing assertion). */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((done) => setTimeout(done, 20));
  }
}

/**
 * The behaviour every SessionStore must have, run identically against the memory, file and Redis
 * stores.
 */
export function describeSessionStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name}: SessionStore contract`, () => {
    const opened: SessionStore[] = [];
    let store: SessionStore;

    async function open(options?: SessionStoreOptions): Promise<SessionStore> {
      const created = await factory.create(options);
      opened.push(created);
      return created;
    }

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      for (const created of opened.splice(0)) {
        await created.clearAll();
        await created.close();
      }
    });

    it('round-trips every field, metadata included', async () => {
      const session = makeSession({ tokenType: 'bearer', createdAt: 1_700_000_000, updatedAt: 1_700_000_100 });
      await store.save(session);

      const loaded = await store.load('user-1', 'github');

      expect(loaded).toBeInstanceOf(SessionData);
      expect(loaded?.toJSON()).toEqual(session.toJSON());
      expect(loaded?.metadata).toEqual({ plan: 'pro', nested: { flags: [1, 2, 3], ok: true } });
    });

    it('answers null and false for an unknown user', async () => {
      await expect(store.load('nobody')).resolves.toBeNull();
      await expect(store.load('nobody', 'github')).resolves.toBeNull();
      await expect(store.exists('nobody')).resolves.toBe(false);
      await expect(store.delete('nobody')).resolves.toBe(false);
      await expect(store.listUsers()).resolves.toEqual([]);
    });

    it('keeps sessions of two providers with the same user id apart', async () => {
      const github = makeSession({ userId: '123', provider: 'github' });
      const google = makeSession({ userId: '123', provider: 'google', scopes: ['openid'] });
      await store.save(github);
      await store.save(google);

      expect((await store.load('123', 'github'))?.accessToken).toBe(github.accessToken);
      expect((await store.load('123', 'google'))?.accessToken).toBe(google.accessToken);
      await expect(store.load('123', 'gitlab')).resolves.toBeNull();
      expect((await store.findByAccessToken(github.accessToken))?.provider).toBe('github');
      expect((await store.findByAccessToken(google.accessToken))?.provider).toBe('google');
      await expect(store.listUsers()).resolves.toEqual(['123']);
    });

    it('loads the only session when no provider is given', async () => {
      const session = makeSession({ userId: 'solo', provider: 'google' });
      await store.save(session);

      expect((await store.load('solo'))?.accessToken).toBe(session.accessToken);
      await expect(store.exists('solo')).resolves.toBe(true);
    });

    it('refuses to guess between providers when none is given', async () => {
      await store.save(makeSession({ userId: '123', provider: 'github' }));
      await store.save(makeSession({ userId: '123', provider: 'google' }));

      const failure = await store.load('123').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AmbiguousSessionError);
      expect((failure as AmbiguousSessionError).providers).toEqual(['github', 'google']);
      expect((failure as AmbiguousSessionError).code).toBe('session_ambiguous');
      await expect(store.delete('123')).rejects.toBeInstanceOf(AmbiguousSessionError);
      await expect(store.updateTokens('123', { accessToken: 'new' })).rejects.toBeInstanceOf(AmbiguousSessionError);
      await expect(store.exists('123')).resolves.toBe(true);
    });

    it('deletes exactly one identity', async () => {
      const google = makeSession({ userId: '123', provider: 'google' });
      const github = makeSession({ userId: '123', provider: 'github' });
      await store.save(github);
      await store.save(google);

      await expect(store.delete('123', 'github')).resolves.toBe(true);
      await expect(store.delete('123', 'github')).resolves.toBe(false);

      await expect(store.exists('123', 'github')).resolves.toBe(false);
      await expect(store.findByAccessToken(github.accessToken)).resolves.toBeNull();
      expect((await store.load('123'))?.provider).toBe('google');
    });

    it('gives a session saved without a provider its own slot', async () => {
      const bare = makeSession({ userId: 'u', provider: undefined });
      await store.save(bare);

      expect((await store.load('u'))?.accessToken).toBe(bare.accessToken);
      await expect(store.load('u', 'github')).resolves.toBeNull();
      expect((await store.load('u', ''))?.provider).toBeUndefined();
    });

    it('lists each user id once', async () => {
      await store.save(makeSession({ userId: 'a', provider: 'github' }));
      await store.save(makeSession({ userId: 'a', provider: 'google' }));
      await store.save(makeSession({ userId: 'b', provider: 'github' }));

      expect((await store.listUsers()).sort()).toEqual(['a', 'b']);
    });

    it('keeps ids with separators, braces, path segments and unicode intact', async () => {
      const odd = ['a:b', '{tag}', '../../etc/passwd', 'ユーザー', 'x y%2F'];
      for (const userId of odd) await store.save(makeSession({ userId, provider: 'p:{1}/..' }));

      expect((await store.listUsers()).sort()).toEqual([...odd].sort());
      for (const userId of odd) expect((await store.load(userId, 'p:{1}/..'))?.userId).toBe(userId);
    });

    it('refuses ids that are empty or not well-formed Unicode', async () => {
      await expect(store.load('')).rejects.toThrow(TypeError);
      await expect(store.load('\uD800')).rejects.toThrow(TypeError);
      await expect(store.exists('user', '\uDC00x')).rejects.toThrow(TypeError);
      await expect(store.save(makeSession({ userId: 'a\uD800b' }))).rejects.toThrow(TypeError);
      await expect(store.updateTokens('user-1', { accessToken: '' }, 'github')).rejects.toThrow(TypeError);
    });

    it('replaces the previous session of the same identity', async () => {
      const first = makeSession();
      const second = makeSession({ scopes: ['gist'] });
      await store.save(first);
      await store.save(second);

      expect((await store.load('user-1', 'github'))?.scopes).toEqual(['gist']);
      await expect(store.findByAccessToken(first.accessToken)).resolves.toBeNull();
      expect((await store.findByAccessToken(second.accessToken))?.userId).toBe('user-1');
    });

    it('finds a session by its access token and nothing by another', async () => {
      const session = makeSession();
      await store.save(session);

      expect((await store.findByAccessToken(session.accessToken))?.toJSON()).toEqual(session.toJSON());
      await expect(store.findByAccessToken('not-a-token')).resolves.toBeNull();
      await expect(store.findByAccessToken('')).resolves.toBeNull();
      await expect(store.findByAccessToken(session.refreshToken!)).resolves.toBeNull();
    });

    it('updates tokens: new expiry, rotated refresh token, index moved to the new token', async () => {
      const session = makeSession({ updatedAt: 1_700_000_000 });
      await store.save(session);
      const before = epochSeconds();

      const updated = await store.updateTokens('user-1', { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 600 }, 'github');

      expect(updated).toBeInstanceOf(SessionData);
      expect(updated.accessToken).toBe('access-2');
      expect(updated.refreshToken).toBe('refresh-2');
      expect(updated.expiresAt).toBeGreaterThanOrEqual(before + 600);
      expect(updated.expiresAt).toBeLessThanOrEqual(epochSeconds() + 600);
      expect(updated.updatedAt).toBeGreaterThanOrEqual(before);
      expect(updated.metadata).toEqual(session.metadata);
      expect(updated.scopes).toEqual(session.scopes);
      await expect(store.findByAccessToken(session.accessToken)).resolves.toBeNull();
      expect((await store.findByAccessToken('access-2'))?.refreshToken).toBe('refresh-2');
      expect((await store.load('user-1', 'github'))?.toJSON()).toEqual(updated.toJSON());
    });

    it('keeps the refresh token and expiry that an update does not mention', async () => {
      const session = makeSession({ provider: 'google' });
      await store.save(session);

      const updated = await store.updateTokens('user-1', { accessToken: 'access-3' });

      expect(updated.refreshToken).toBe(session.refreshToken);
      expect(updated.expiresAt).toBe(session.expiresAt);
      expect(updated.provider).toBe('google');
    });

    it('reports a missing session on updateTokens without the token in the message', async () => {
      const failure = await store.updateTokens('ghost', { accessToken: 'secret-token-value' }, 'github').catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(SessionNotFoundError);
      expect((failure as Error).message).not.toContain('secret-token-value');
      await expect(store.updateTokens('user-1', { accessToken: 'x' }, 'google')).rejects.toBeInstanceOf(SessionNotFoundError);
    });

    it('returns an expired session (isExpired) until cleanupExpired removes it', async () => {
      const expired = makeSession({ userId: 'old', expiresAt: epochSeconds() - 10 });
      const fresh = makeSession({ userId: 'new' });
      const timeless = makeSession({ userId: 'forever', expiresAt: undefined });
      for (const session of [expired, fresh, timeless]) await store.save(session);

      expect((await store.load('old'))?.isExpired()).toBe(true);
      expect((await store.findByAccessToken(expired.accessToken))?.isExpired()).toBe(true);

      await expect(store.cleanupExpired()).resolves.toBe(1);

      await expect(store.load('old')).resolves.toBeNull();
      await expect(store.findByAccessToken(expired.accessToken)).resolves.toBeNull();
      expect((await store.listUsers()).sort()).toEqual(['forever', 'new']);
      await expect(store.cleanupExpired()).resolves.toBe(0);
    });

    it('forgets a session once it has been expired longer than retainExpiredSeconds', async () => {
      const short = await open({ retainExpiredSeconds: 60 });
      const gone = makeSession({ userId: 'gone', expiresAt: epochSeconds() - 120 });
      const kept = makeSession({ userId: 'kept', expiresAt: epochSeconds() - 30 });
      await short.save(gone);
      await short.save(kept);

      await expect(short.load('gone')).resolves.toBeNull();
      await expect(short.exists('gone')).resolves.toBe(false);
      await expect(short.findByAccessToken(gone.accessToken)).resolves.toBeNull();
      expect((await short.load('kept'))?.isExpired()).toBe(true);
      await expect(short.listUsers()).resolves.toEqual(['kept']);
    });

    it('hands out copies: editing a loaded session changes nothing until save', async () => {
      const session = makeSession();
      await store.save(session);
      session.metadata.plan = 'changed-after-save';

      const loaded = await store.load('user-1', 'github');
      loaded!.scopes.push('admin');
      (loaded!.metadata.nested as { ok: boolean }).ok = false;

      const again = await store.load('user-1', 'github');
      expect(again?.scopes).toEqual(['read:user', 'repo']);
      expect(again?.metadata).toEqual({ plan: 'pro', nested: { flags: [1, 2, 3], ok: true } });
    });

    it('clears everything and says how much', async () => {
      const sessions = [makeSession({ userId: 'a' }), makeSession({ userId: 'a', provider: 'google' }), makeSession({ userId: 'b' })];
      for (const session of sessions) await store.save(session);

      await expect(store.clearAll()).resolves.toBe(3);

      await expect(store.listUsers()).resolves.toEqual([]);
      for (const session of sessions) await expect(store.findByAccessToken(session.accessToken)).resolves.toBeNull();
      await expect(store.clearAll()).resolves.toBe(0);
    });

    it('reports each removal through onChange, whoever removes it, and nothing else', async () => {
      const changes: SessionChange[] = [];
      const stop = store.onChange!((change) => changes.push(change));
      const github = makeSession({ userId: 'a', provider: 'github' });
      const google = makeSession({ userId: 'b', provider: 'google' });
      const expired = makeSession({ userId: 'c', provider: undefined, expiresAt: epochSeconds() - 10 });
      for (const session of [github, google, expired]) await store.save(session);
      await store.updateTokens('b', { accessToken: 'rotated-access' }, 'google');
      expect(changes).toEqual([]);

      await store.delete('a', 'github');
      await store.delete('a', 'github'); // nothing left to remove: nothing reported
      expect(changes).toEqual([{ type: 'deleted', userId: 'a', provider: 'github' }]);
      await store.cleanupExpired();
      expect(changes[1]).toEqual({ type: 'deleted', userId: 'c', provider: '' });
      await store.clearAll();
      expect(changes.slice(2)).toEqual([{ type: 'deleted', userId: 'b', provider: 'google' }]);

      stop();
      stop();
      await store.save(github);
      await store.delete('a');
      expect(changes).toHaveLength(3);
    });

    it('reports a save past retention as the removal of the session it replaces', async () => {
      const short = await open({ retainExpiredSeconds: 60 });
      const changes: SessionChange[] = [];
      short.onChange!((change) => changes.push(change));
      await short.save(makeSession({ userId: 'gone' }));

      await short.save(makeSession({ userId: 'gone', expiresAt: epochSeconds() - 120 }));
      await short.save(makeSession({ userId: 'never-stored', expiresAt: epochSeconds() - 120 }));

      expect(changes).toEqual([{ type: 'deleted', userId: 'gone', provider: 'github' }]);
      await expect(short.load('gone')).resolves.toBeNull();
    });

    it('logs an onChange listener that throws, and removes the session all the same', async () => {
      const logger = recordingLogger();
      const logged = await open({ logger });
      const heard: SessionChange[] = [];
      logged.onChange!(() => {
        throw new Error('listener broke');
      });
      logged.onChange!((change) => heard.push(change));
      await logged.save(makeSession({ userId: 'x' }));

      await expect(logged.delete('x', 'github')).resolves.toBe(true);

      await expect(logged.exists('x')).resolves.toBe(false);
      expect(heard).toHaveLength(1);
      expect(logger.lines).toEqual([{ level: 'warn', fields: { error: 'Error: listener broke' }, message: 'a session store onChange listener failed' }]);
    });

    it('runs cleanup on an unref\'d timer until stopped', async () => {
      const setIntervalSpy = jest.spyOn(global, 'setInterval');
      const clearIntervalSpy = jest.spyOn(global, 'clearInterval');
      try {
        await store.save(makeSession({ userId: 'stale', expiresAt: epochSeconds() - 5 }));

        const stop = store.startCleanup(25);
        const timer = setIntervalSpy.mock.results.at(-1)?.value as NodeJS.Timeout;

        expect(timer.hasRef()).toBe(false);
        await eventually(async () => !(await store.exists('stale')));
        stop();
        expect(clearIntervalSpy).toHaveBeenCalledWith(timer);
      } finally {
        setIntervalSpy.mockRestore();
        clearIntervalSpy.mockRestore();
      }
      expect(() => store.startCleanup(0)).toThrow(RangeError);
    });
  });
}
