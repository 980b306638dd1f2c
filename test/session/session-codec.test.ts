import { notPlainValues } from '../support/not-plain-values';
import { SessionData, type SessionDataInit } from '../../src/session';
import { decodeSession, encodedHasToken, encodeSession } from '../../src/session/session-codec';

function session(overrides: Partial<SessionDataInit> = {}): SessionData {
  return new SessionData({
    userId: 'user-1',
    provider: 'github',
    accessToken: 'gho_0123456789abcdef0123456789abcdef0123',
    refreshToken: 'ghr_000000000001',
    expiresAt: 1_795_700_000,
    scopes: ['read:user', 'read:org'],
    userInfo: { login: 'user1', id: 1 },
    createdAt: 1_795_600_000,
    updatedAt: 1_795_600_100,
    ...overrides,
  });
}

function roundTrip(original: SessionData): SessionData {
  const encoded = encodeSession(original);
  expect(typeof encoded).toBe('string');
  return decodeSession(encoded as string);
}

describe('session codec', () => {
  it.each([
    ['a typical session', session()],
    ['no optional fields', new SessionData({ userId: 'u', accessToken: 't', createdAt: 1, updatedAt: 2 })],
    [
      'unusual numbers',
      session({ expiresAt: 1.5, createdAt: -0, updatedAt: 1e21, metadata: { nan: Number.NaN, inf: -Infinity, tiny: 5e-324, sum: 0.1 + 0.2, zero: -0 } }),
    ],
    [
      'nested JSON-like data with nulls, booleans, undefined and integer-like keys',
      session({
        userInfo: { address: { street: 'x', lines: [['a'], []] }, verified: false, picture: null },
        metadata: { b: 1, '10': 'ten', '2': 'two', a: undefined, list: [undefined, null, true, { deep: [1, { deeper: 'y' }] }] },
      }),
    ],
    [
      'strings of every kind',
      session({
        userId: 'ü-ñ-😀-\u0000-\uD800',
        accessToken: 'x'.repeat(20_000),
        metadata: { long: 'é'.repeat(300), empty: '', 'key\u0000with\uDFFFodd': 's', ['k'.repeat(200)]: 'long key' },
      }),
    ],
    ['a null-prototype object (copied as a plain one, as clone() does)', session({ metadata: Object.assign(Object.create(null) as object, { a: 1 }) })],
    ['a tokenType and scopes left null by a caller (defaults applied, as clone() does)', Object.assign(session(), { tokenType: null, scopes: null })],
  ])('decodes %s to what clone() gives', (_name, original) => {
    const decoded = roundTrip(original);
    expect(decoded).toBeInstanceOf(SessionData);
    expect(decoded).toStrictEqual(original.clone());
    expect(Object.keys(decoded.metadata)).toEqual(Object.keys(original.clone().metadata));
    expect(Object.is(decoded.createdAt, original.clone().createdAt)).toBe(true);
  });

  it('gives a deep copy that shares nothing mutable with the original or with other decodes', () => {
    const original = session({ metadata: { nested: { list: [1] } } });
    const encoded = encodeSession(original) as string;
    const a = decodeSession(encoded);
    const b = decodeSession(encoded);
    (a.metadata.nested as { list: number[] }).list.push(2);
    a.scopes.push('admin');
    a.userInfo.login = 'changed';
    expect(b).toStrictEqual(original.clone());
    expect(original.metadata).toEqual({ nested: { list: [1] } });
    expect(original.scopes).toEqual(['read:user', 'read:org']);
  });

  it('encodes a snapshot: later edits to the original do not show', () => {
    const original = session();
    const encoded = encodeSession(original) as string;
    original.userInfo.login = 'edited';
    original.accessToken = 'other';
    expect(decodeSession(encoded).userInfo.login).toBe('user1');
    expect(decodeSession(encoded).accessToken).toBe('gho_0123456789abcdef0123456789abcdef0123');
  });

  it('fills createdAt and updatedAt at encoding time when the caller left them unset', () => {
    const original = Object.assign(session(), { createdAt: undefined, updatedAt: undefined });
    const before = Math.floor(Date.now() / 1000);
    const decoded = roundTrip(original);
    expect(decoded.createdAt).toBeGreaterThanOrEqual(before);
    expect(decoded.updatedAt).toBe(decoded.createdAt);
  });

  const shared = { n: 1 };
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each([
    ...notPlainValues(),
    ['a symbol', { s: Symbol('s') }],
    ['a bigint', { big: 10n }],
    ['a shared reference', { a: shared, b: shared }],
    ['a circular reference', circular],
  ])('does not encode metadata holding %s (left to structuredClone)', (_name, metadata) => {
    expect(encodeSession(session({ metadata }))).toBeUndefined();
  });

  it('tells its own access token from any other, without decoding', () => {
    const long = 't'.repeat(300);
    const encoded = encodeSession(session({ accessToken: long })) as string;
    expect(encodedHasToken(encoded, long)).toBe(true);
    expect(encodedHasToken(encoded, long.slice(1))).toBe(false);
    expect(encodedHasToken(encoded, `${long}t`)).toBe(false);
    expect(encodedHasToken(encoded, 'u'.repeat(300))).toBe(false);
    const short = encodeSession(session()) as string;
    expect(encodedHasToken(short, 'gho_0123456789abcdef0123456789abcdef0123')).toBe(true);
    expect(encodedHasToken(short, 'gho_0123456789abcdef0123456789abcdef012')).toBe(false);
  });
});
