import { inspect } from 'node:util';
import { CorruptSessionError, SessionData } from '../../src/session';
import { epochSeconds } from '../../src/session/session-data';

describe('SessionData', () => {
  it('fills defaults: Bearer, empty collections, created and updated now', () => {
    const before = epochSeconds();
    const session = new SessionData({ userId: 'u', accessToken: 't' });

    expect(session.tokenType).toBe('Bearer');
    expect(session.scopes).toEqual([]);
    expect(session.userInfo).toEqual({});
    expect(session.metadata).toEqual({});
    expect(session.createdAt).toBeGreaterThanOrEqual(before);
    expect(session.updatedAt).toBeGreaterThanOrEqual(before);
    expect(session.toJSON()).not.toHaveProperty('refreshToken');
    expect(session.toJSON()).not.toHaveProperty('expiresAt');
  });

  it('is expired from expiresAt on, and needs refresh within the buffer', () => {
    const session = new SessionData({ userId: 'u', accessToken: 't', expiresAt: 1000 });

    expect(session.isExpired(999)).toBe(false);
    expect(session.isExpired(1000)).toBe(true);
    expect(session.needsRefresh(300, 699)).toBe(false);
    expect(session.needsRefresh(300, 700)).toBe(true);
    expect(session.needsRefresh(10, 989)).toBe(false);
    expect(new SessionData({ userId: 'u', accessToken: 't', expiresAt: epochSeconds() + 200 }).needsRefresh()).toBe(true);
    expect(new SessionData({ userId: 'u', accessToken: 't', expiresAt: epochSeconds() + 400 }).needsRefresh()).toBe(false);
  });

  it('never needs refresh nor expires when expiresAt is unknown', () => {
    const session = new SessionData({ userId: 'u', accessToken: 't' });

    expect(session.isExpired(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(session.needsRefresh(1e9)).toBe(false);
  });

  it('round-trips through JSON text', () => {
    const session = new SessionData({
      userId: 'u',
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 2_000_000_000,
      scopes: ['s'],
      userInfo: { email: 'e@example.com' },
      provider: 'google',
      metadata: { n: 1, list: ['x'] },
    });

    const again = SessionData.fromJSON(JSON.parse(JSON.stringify(session)));

    expect(again).toBeInstanceOf(SessionData);
    expect(again.toJSON()).toEqual(session.toJSON());
  });

  it('reads null as absent for optional fields', () => {
    const session = SessionData.fromJSON({ userId: 'u', accessToken: 'a', refreshToken: null, expiresAt: null, provider: null });

    expect(session.refreshToken).toBeUndefined();
    expect(session.expiresAt).toBeUndefined();
    expect(session.provider).toBeUndefined();
  });

  it.each([
    ['userId', { userId: 42 }],
    ['userId', { userId: '' }],
    ['accessToken', { accessToken: ['secret-value'] }],
    ['expiresAt', { expiresAt: '123' }],
    ['expiresAt', { expiresAt: Number.NaN }],
    ['scopes', { scopes: 'read write' }],
    ['scopes', { scopes: ['ok', 7] }],
    ['userInfo', { userInfo: ['secret-value'] }],
    ['metadata', { metadata: 'secret-value' }],
    ['refreshToken', { refreshToken: { value: 'secret-value' } }],
  ])('refuses a wrong type for %s with a typed error that names the field, not the value', (field, override) => {
    const failure = (() => {
      try {
        SessionData.fromJSON({ userId: 'u', accessToken: 'a', ...override });
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(failure).toBeInstanceOf(CorruptSessionError);
    expect((failure as CorruptSessionError).code).toBe('session_corrupt');
    expect((failure as Error).message).toContain(`\`${field}\``);
    expect((failure as Error).message).not.toContain('secret-value');
  });

  it('refuses something that is not an object', () => {
    expect(() => SessionData.fromJSON('{"userId":"u"}')).toThrow(CorruptSessionError);
    expect(() => SessionData.fromJSON(null)).toThrow(CorruptSessionError);
    expect(() => SessionData.fromJSON([])).toThrow(CorruptSessionError);
  });

  it('shows tokens redacted when logged', () => {
    const session = new SessionData({ userId: 'u', accessToken: 'access-secret', refreshToken: 'refresh-secret' });

    const shown = inspect(session);

    expect(shown).not.toContain('access-secret');
    expect(shown).not.toContain('refresh-secret');
    expect(shown).toContain('[redacted]');
    expect(shown).toContain("userId: 'u'");
  });

  it('clones deeply', () => {
    const session = new SessionData({ userId: 'u', accessToken: 'a', metadata: { nested: { n: 1 } } });

    const copy = session.clone();
    (copy.metadata.nested as { n: number }).n = 2;

    expect(session.metadata).toEqual({ nested: { n: 1 } });
  });
});
