import crypto = require('node:crypto');
import { ApiKeyProvider, type ApiKeyEntry } from '../../src/auth/providers/api-key-provider';
import type { Credentials } from '../../src/auth/provider';

const ADMIN_KEY = ApiKeyProvider.generateKey('test_');
const READER_KEY = ApiKeyProvider.generateKey('test_');

afterEach(() => jest.restoreAllMocks());

describe('ApiKeyProvider with a key map', () => {
  const keys: Record<string, ApiKeyEntry> = {
    [ADMIN_KEY]: {
      userId: 'admin-1',
      username: 'Admin',
      scopes: ['admin:write', 'read'],
      roles: ['admin'],
      permissions: ['files:*'],
      metadata: { team: 'ops' },
    },
    [READER_KEY]: { userId: 'reader-1', scopes: ['read'] },
  };
  const provider = new ApiKeyProvider({ keys });

  it('maps a known key to its entry', async () => {
    const result = await provider.authenticate({ api_key: ADMIN_KEY });
    expect(result.success).toBe(true);
    const ctx = result.context!;
    expect(ctx).toMatchObject({ userId: 'admin-1', username: 'Admin', provider: 'api-key' });
    expect([...ctx.scopes]).toEqual(['admin:write', 'read']);
    expect(ctx.hasRole('admin')).toBe(true);
    expect(ctx.hasPermission('files:delete')).toBe(true);
    expect(ctx.metadata).toEqual({ team: 'ops' });
    expect((await provider.authenticate({ api_key: READER_KEY })).context!.userId).toBe('reader-1');
  });

  it.each([
    ['an unknown key', { api_key: ApiKeyProvider.generateKey('test_') }],
    ['a known key with one character changed', { api_key: `${ADMIN_KEY.slice(0, -1)}${ADMIN_KEY.endsWith('A') ? 'B' : 'A'}` }],
    ['a prefix of a known key', { api_key: ADMIN_KEY.slice(0, 20) }],
    ['no api_key', {}],
    ['a bearer token instead of an API key', { access_token: ADMIN_KEY }],
    ['a non-string key', { api_key: 12345 }],
    ['an absurdly long key', { api_key: 'k'.repeat(10_000) }],
  ])('refuses %s as invalid_token, without echoing it', async (_what, credentials) => {
    const result = await provider.authenticate(credentials as Credentials);
    expect(result).toMatchObject({ success: false, reason: 'invalid_token' });
    expect(result.context).toBeUndefined();
    for (const value of Object.values(credentials)) expect(result.error).not.toContain(String(value));
  });

  it('confirms a key with crypto.timingSafeEqual on its full digest', async () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    await provider.authenticate({ api_key: ADMIN_KEY });
    expect(compare).toHaveBeenCalled();
    const [a, b] = compare.mock.calls[0] as [Buffer, Buffer];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
    expect(compare.mock.results[0].value).toBe(true);
  });

  it('is not widened by later changes to the options object', async () => {
    const mutable: Record<string, ApiKeyEntry> = { [READER_KEY]: { userId: 'reader-1', scopes: ['read'] } };
    const p = new ApiKeyProvider({ keys: mutable });
    mutable[READER_KEY].scopes!.push('admin:write');
    mutable[ADMIN_KEY] = { userId: 'late' };
    expect([...(await p.authenticate({ api_key: READER_KEY })).context!.scopes]).toEqual(['read']);
    expect((await p.authenticate({ api_key: ADMIN_KEY })).success).toBe(false);
  });

  it('describes itself with the scopes its keys grant', () => {
    expect(provider.credentialKind).toBe('api_key');
    expect(new ApiKeyProvider({ name: 'keys', keys }).describe()).toEqual({
      name: 'keys',
      type: 'api-key',
      flows: ['api-key'],
      scopes: ['admin:write', 'read'],
    });
  });
});

describe('ApiKeyProvider with a validator', () => {
  it('accepts what a sync or async validator returns, with a custom name', async () => {
    const seen: string[] = [];
    const sync = new ApiKeyProvider({
      name: 'db-keys',
      validate: (key) => {
        seen.push(key);
        return key === ADMIN_KEY ? { userId: 'svc', roles: ['robot'] } : null;
      },
    });
    const result = await sync.authenticate({ api_key: ADMIN_KEY });
    expect(result.context).toMatchObject({ userId: 'svc', provider: 'db-keys' });
    expect(result.context!.hasRole('robot')).toBe(true);
    expect(seen).toEqual([ADMIN_KEY]);

    const async = new ApiKeyProvider({ validate: async (key) => (key === READER_KEY ? { userId: 'r' } : undefined) });
    expect((await async.authenticate({ api_key: READER_KEY })).context!.userId).toBe('r');
    expect(await async.authenticate({ api_key: ADMIN_KEY })).toMatchObject({ success: false, reason: 'invalid_token' });
  });

  it('refuses an entry without a userId', async () => {
    const sloppy = new ApiKeyProvider({ validate: () => ({ userId: '' }) });
    expect(await sloppy.authenticate({ api_key: ADMIN_KEY })).toMatchObject({ success: false, reason: 'invalid_token' });
  });

  it('reports a throwing validator as provider_unavailable without its message', async () => {
    const broken = new ApiKeyProvider({
      validate: async (key) => {
        throw new Error(`database refused lookup of ${key}`);
      },
    });
    const result = await broken.authenticate({ api_key: ADMIN_KEY });
    expect(result).toMatchObject({ success: false, reason: 'provider_unavailable' });
    expect(result.error).not.toContain(ADMIN_KEY);
  });
});

describe('ApiKeyProvider construction', () => {
  it.each([
    ['neither keys nor validate', {}],
    ['both keys and validate', { keys: {}, validate: () => null }],
    ['an empty key', { keys: { '': { userId: 'x' } } }],
    ['an entry without userId', { keys: { k: {} } }],
  ])('throws for %s', (_what, options) => {
    expect(() => new ApiKeyProvider(options as never)).toThrow(TypeError);
  });
});

describe('ApiKeyProvider.generateKey', () => {
  it('makes base64url keys from at least 32 random bytes, with an optional prefix', () => {
    const key = ApiKeyProvider.generateKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(ApiKeyProvider.generateKey('mcp_')).toMatch(/^mcp_[A-Za-z0-9_-]{43}$/);
    expect(ApiKeyProvider.generateKey('', 48)).toHaveLength(64);
    expect(() => ApiKeyProvider.generateKey('', 16)).toThrow(RangeError);
  });

  it('draws from the CSPRNG: no repeats, and every character position varies', () => {
    const keys = Array.from({ length: 1000 }, () => ApiKeyProvider.generateKey());
    expect(new Set(keys).size).toBe(keys.length);
    for (let i = 0; i < 42; i++) expect(new Set(keys.map((k) => k[i])).size).toBeGreaterThan(20);
  });
});
