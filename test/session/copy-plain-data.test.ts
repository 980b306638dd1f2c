import { notPlainValues } from '../support/not-plain-values';
import { copyPlainData, NOT_PLAIN } from '../../src/session/copy-plain-data';
import { SessionData } from '../../src/session';

describe('copyPlainData', () => {
  it('copies JSON-like data deeply, equal to structuredClone and sharing nothing with the original', () => {
    const value = {
      id: 7,
      name: 'octo',
      ok: true,
      none: null,
      missing: undefined,
      negativeZero: -0,
      big: 10n,
      list: [1, 'two', { three: [3] }],
      nested: { deeper: { deepest: ['x'] } },
      '10': 'integer-like key',
    };
    const copy = copyPlainData(value);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(Object.keys(copy as object)).toEqual(Object.keys(structuredClone(value)));
    expect(copy).not.toBe(value);
    const c = copy as typeof value;
    expect(c.list).not.toBe(value.list);
    expect(c.list[2]).not.toBe(value.list[2]);
    expect(c.nested.deeper).not.toBe(value.nested.deeper);
    expect(Object.is(c.negativeZero, -0)).toBe(true);
  });

  it('keeps shared and circular references as structuredClone does', () => {
    const shared = { n: 1 };
    const value: Record<string, unknown> = { a: shared, b: shared };
    value.self = value;
    const copy = copyPlainData(value) as Record<string, unknown>;
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
    expect(copy.self).toBe(copy);
  });

  it('copies null-prototype objects into plain objects, as structuredClone does', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const copy = copyPlainData(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual({ a: 1 });
  });

  it.each(notPlainValues())('leaves %s to structuredClone', (_name, value) => {
    expect(copyPlainData(value)).toBe(NOT_PLAIN);
  });
});

describe('SessionData.clone', () => {
  it('is a deep copy equal to the original, for JSON-like and other metadata alike', () => {
    const session = new SessionData({
      userId: 'u',
      accessToken: 't',
      provider: 'github',
      scopes: ['read:user'],
      userInfo: { login: 'octo', emails: [{ primary: true }] },
      metadata: { seen: new Date(0), tags: ['a'] },
    });
    const clone = session.clone();
    expect(clone.toJSON()).toStrictEqual(session.toJSON());
    expect(clone.userInfo.emails).not.toBe(session.userInfo.emails);
    expect(clone.metadata.seen).toEqual(new Date(0));
    expect(clone.metadata.seen).not.toBe(session.metadata.seen);
  });
});
