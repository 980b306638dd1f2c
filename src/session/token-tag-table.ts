const EMPTY = -1;
const REMOVED = -2;
const MIN_SLOTS = 16;

/**
 * Values by a small integer tag (30 bits of their token's SHA-256), with collisions resolved by
 * `matches`: open addressing with linear probing over one array of [tag, value] pairs. Why not a
 * `Map`: in a table of 100 000 sessions a `Map` lookup reads a bucket and then an entry elsewhere,
 * two cache misses; here the tag and the value sit side by side (BENCHMARKS.md, "Stores").
 */
export class TokenTagTable<V> {
  /** @param matches whether `value` is the one `token` finds (tags collide). */
  constructor(private readonly matches: (value: V, token: string) => boolean) {}

  private slots: (number | V)[] = new Array<number | V>(MIN_SLOTS * 2).fill(EMPTY);
  /** Slots not EMPTY (live or REMOVED): what decides when to grow. */
  private taken = 0;

  /** The value with `tag` that `token` finds. */
  find(tag: number, token: string): V | undefined {
    const mask = this.slots.length / 2 - 1;
    for (let i = tag & mask; ; i = (i + 1) & mask) {
      const slotTag = this.slots[i * 2];
      if (slotTag === EMPTY) return undefined;
      if (slotTag === tag && this.matches(this.slots[i * 2 + 1] as V, token)) return this.slots[i * 2 + 1] as V;
    }
  }

  add(tag: number, value: V): void {
    if ((this.taken + 1) * 2 > this.slots.length / 2) this.resize();
    const mask = this.slots.length / 2 - 1;
    let i = tag & mask;
    while (this.slots[i * 2] !== EMPTY && this.slots[i * 2] !== REMOVED) i = (i + 1) & mask;
    if (this.slots[i * 2] === EMPTY) this.taken += 1;
    this.slots[i * 2] = tag;
    this.slots[i * 2 + 1] = value;
  }

  /** Removes `value` (the very object) if it is in the table under `tag`. */
  delete(tag: number, value: V): void {
    const mask = this.slots.length / 2 - 1;
    for (let i = tag & mask; this.slots[i * 2] !== EMPTY; i = (i + 1) & mask) {
      if (this.slots[i * 2] === tag && this.slots[i * 2 + 1] === value) {
        this.slots[i * 2] = REMOVED;
        this.slots[i * 2 + 1] = EMPTY;
        return;
      }
    }
  }

  clear(): void {
    this.slots = new Array<number | V>(MIN_SLOTS * 2).fill(EMPTY);
    this.taken = 0;
  }

  /** Rebuilds with room for twice the live entries (removed slots are dropped). */
  private resize(): void {
    const live: [number, V][] = [];
    for (let i = 0; i < this.slots.length; i += 2) {
      const tag = this.slots[i] as number;
      if (tag >= 0) live.push([tag, this.slots[i + 1] as V]);
    }
    let count = MIN_SLOTS;
    while (count < live.length * 4) count *= 2;
    this.slots = new Array<number | V>(count * 2).fill(EMPTY);
    this.taken = 0;
    for (const [tag, value] of live) this.add(tag, value);
  }
}
