import { hashToken } from '../../src/auth/token-hash';
import { TokenIndex, tokenTag, type TokenIndexed } from '../../src/session/token-index';

/** A value whose form is its token, with a tag the test may force (to make collisions). */
class Entry implements TokenIndexed<string> {
  readonly tokenTag: number;

  constructor(
    readonly form: string,
    tag?: number,
  ) {
    this.tokenTag = tag ?? tokenTag(hashToken(form));
  }
}

const newIndex = () => new TokenIndex<string, Entry>((form, token) => form === token);

describe('tokenTag', () => {
  it('is 30 bits of the token hash, the same for the same token', () => {
    const tags = Array.from({ length: 1000 }, (_, i) => tokenTag(hashToken(`token-${i}`)));
    for (const tag of tags) {
      expect(Number.isInteger(tag) && tag >= 0 && tag < 2 ** 30).toBe(true);
    }
    expect(tokenTag(hashToken('token-7'))).toBe(tags[7]);
    expect(new Set(tags).size).toBeGreaterThan(990);
  });

  it('reads all 64 base64url digits', () => {
    expect(tokenTag('AAAAA')).toBe(0);
    expect(tokenTag('_____')).toBe(2 ** 30 - 1);
    expect(tokenTag('BAAAA')).toBe(64 ** 4);
    expect(tokenTag('AAAAZ')).toBe(25);
    expect(tokenTag('AAAAa')).toBe(26);
    expect(tokenTag('AAAA0')).toBe(52);
    expect(tokenTag('AAAA-')).toBe(62);
    expect(tokenTag('AAAAz')).toBe(51);
    expect(tokenTag('AAAA9')).toBe(61);
  });
});

describe('TokenIndex', () => {
  it('finds every value by its token and nothing for another token', () => {
    const index = newIndex();
    const entries = Array.from({ length: 5000 }, (_, i) => new Entry(`token-${i}`));
    for (const entry of entries) index.add(entry);
    expect(index.size).toBe(5000);
    for (const entry of entries) {
      expect(index.find(entry.tokenTag, entry.form)).toBe(entry);
      expect(index.findForm(entry.tokenTag, entry.form)).toBe(entry.form);
    }
    expect(index.find(tokenTag(hashToken('unknown')), 'unknown')).toBeUndefined();
  });

  it('tells apart values whose tags collide, and deletes exactly the value given', () => {
    const index = newIndex();
    const entries = Array.from({ length: 40 }, (_, i) => new Entry(`t${i}`, 5));
    for (const entry of entries) index.add(entry);
    for (const entry of entries) expect(index.find(5, entry.form)).toBe(entry);
    expect(index.find(5, 'other')).toBeUndefined();

    expect(index.delete(new Entry('t3', 5))).toBe(false); // same token and tag, another value
    expect(index.delete(entries[3])).toBe(true);
    expect(index.delete(entries[3])).toBe(false);
    expect(index.find(5, 't3')).toBeUndefined();
    for (const entry of entries.filter((_, i) => i !== 3)) expect(index.find(5, entry.form)).toBe(entry);
  });

  it('keeps runs that wrap around the end of the table findable after deletes', () => {
    const index = newIndex();
    // Tags whose home is the last slots of the smallest table, so their run wraps to the start.
    const entries = [15, 15, 14, 15, 0, 1, 15].map((tag, i) => new Entry(`w${i}`, tag));
    for (const entry of entries) index.add(entry);
    const deleted = new Set<Entry>();
    for (const victim of [entries[0], entries[2], entries[4]]) {
      expect(index.delete(victim)).toBe(true);
      deleted.add(victim);
      for (const entry of entries) expect(index.find(entry.tokenTag, entry.form)).toBe(deleted.has(entry) ? undefined : entry);
    }
  });

  it('agrees with a Map through random adds and deletes, growing and shrinking', () => {
    const index = newIndex();
    const reference = new Map<string, Entry>();
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const token = `k${random(3000)}`;
      const present = reference.get(token);
      if (present) {
        expect(index.delete(present)).toBe(true);
        reference.delete(token);
      } else {
        // Few distinct tags: long probe runs and many collisions.
        const entry = new Entry(token, random(step < 10_000 ? 64 : 2 ** 30));
        index.add(entry);
        reference.set(token, entry);
      }
      if (step % 997 === 0) {
        for (const entry of reference.values()) expect(index.find(entry.tokenTag, entry.form)).toBe(entry);
      }
    }
    expect(index.size).toBe(reference.size);
    for (const entry of [...reference.values()]) expect(index.delete(entry)).toBe(true);
    expect(index.size).toBe(0);
    expect(index.find(1, 'k1')).toBeUndefined();
  });

  it('clears', () => {
    const index = newIndex();
    const entry = new Entry('a');
    index.add(entry);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.find(entry.tokenTag, 'a')).toBeUndefined();
    index.add(entry);
    expect(index.find(entry.tokenTag, 'a')).toBe(entry);
  });
});
