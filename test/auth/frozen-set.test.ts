import { inspect } from 'node:util';
import { FrozenSet } from '../../src/auth/frozen-set';

describe('FrozenSet', () => {
  it('reads like a ReadonlySet and cannot be changed by any route', () => {
    const items = ['read', 'write'];
    const set = new FrozenSet(items);
    items.push('admin');
    expect(set.size).toBe(2);
    expect(set.has('read') && !set.has('admin')).toBe(true);
    expect([...set]).toEqual(['read', 'write']);
    expect([...set.keys()]).toEqual([...set.values()]);
    expect([...set.entries()]).toEqual([['read', 'read'], ['write', 'write']]);
    const seen: string[] = [];
    set.forEach((value, same, owner) => seen.push(`${value}=${same}:${owner === set}`));
    expect(seen).toEqual(['read=read:true', 'write=write:true']);

    expect(() => (set as unknown as Set<string>).add('admin')).toThrow(TypeError);
    expect(() => Set.prototype.add.call(set, 'admin')).toThrow(TypeError);
    expect(() => Object.defineProperty(set, 'has', { value: () => true })).toThrow(TypeError);
    expect(set.has('admin')).toBe(false);
  });

  it('serializes and prints its items', () => {
    const set = new FrozenSet(['a', 'b']);
    expect(JSON.stringify({ scopes: set })).toBe('{"scopes":["a","b"]}');
    expect(inspect(set)).toBe("FrozenSet(2) { 'a', 'b' }");
  });
});
