import { inspect } from 'node:util';

/** What the index holds: a value with its tag, and the form of it that a lookup reads. */
export interface TokenIndexed<F> {
  /** `tokenTag(hashToken(token))` of the value's token. */
  readonly tokenTag: number;
  /** Kept in the table beside the tag, so a lookup that only reads never touches the value itself. */
  readonly form: F;
}

/** 30 bits of a `hashToken()` (base64url SHA-256) value: its first five characters. */
export function tokenTag(tokenHash: string): number {
  let tag = 0;
  for (let i = 0; i < 5; i++) tag = tag * 64 + base64urlDigit(tokenHash.charCodeAt(i));
  return tag;
}

function base64urlDigit(code: number): number {
  if (code >= 0x61) return code - 0x61 + 26; // a-z
  if (code === 0x5f) return 63; // _
  if (code >= 0x41) return code - 0x41; // A-Z
  if (code >= 0x30) return code - 0x30 + 52; // 0-9
  return 62; // -
}

const EMPTY = -1;
const MIN_CAPACITY = 16;
/** Array elements per entry: tag, form, value. */
const WIDTH = 3;

/**
 * Values by the hash of their token, O(1): open addressing with linear probing over one array of
 * [tag, form, value] entries. A Map keyed by the hash string costs a large store several cache
 * misses per lookup (bucket, entry, the stored key string to compare, the next entry of the
 * chain); here the tag and the form sit side by side, so a lookup reads one line of the table and
 * then the form. Tags can collide: a candidate is confirmed with `hasToken`, and the probe goes
 * on if it says no. The table keys entries by 30 bits of their token's SHA-256; the forms beside
 * them hold tokens, so the table is never shown by `util.inspect`.
 */
export class TokenIndex<F, V extends TokenIndexed<F>> {
  private slots: unknown[] = emptySlots(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  /** `hasToken(form, token)`: whether the entry with this form is the token's. */
  constructor(private readonly hasToken: (form: F, token: string) => boolean) {}

  get size(): number {
    return this.count;
  }

  [inspect.custom](): string {
    return `TokenIndex(${this.count})`;
  }

  /** The entry whose token is `token`; `tag` is `tokenTag(hashToken(token))`. */
  find(tag: number, token: string): V | undefined {
    const at = this.position(tag, token);
    return at === -1 ? undefined : (this.slots[at + 2] as V);
  }

  /** That entry's form only (one fewer object to read than `find(…).form`). */
  findForm(tag: number, token: string): F | undefined {
    const at = this.position(tag, token);
    return at === -1 ? undefined : (this.slots[at + 1] as F);
  }

  /** Adds `value`; the caller removes any value for the same token first. */
  add(value: V): void {
    // At most half full, so probe runs stay short and a miss ends at an empty slot soon.
    if (2 * (this.count + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    this.place(value);
    this.count += 1;
  }

  /** Removes `value` itself (not another value with its token); false when it is not here. */
  delete(value: V): boolean {
    const slots = this.slots;
    let i = value.tokenTag & this.mask;
    while (slots[WIDTH * i + 2] !== value) {
      if (slots[WIDTH * i] === EMPTY) return false;
      i = (i + 1) & this.mask;
    }
    this.vacate(i);
    this.count -= 1;
    if (this.mask + 1 > MIN_CAPACITY && 8 * this.count < this.mask + 1) this.resize((this.mask + 1) / 2);
    return true;
  }

  clear(): void {
    this.slots = emptySlots(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }

  /** The array index of the token's entry, or -1. */
  private position(tag: number, token: string): number {
    const slots = this.slots;
    for (let i = tag & this.mask; ; i = (i + 1) & this.mask) {
      const at = WIDTH * i;
      const slotTag = slots[at];
      if (slotTag === EMPTY) return -1;
      if (slotTag === tag && this.hasToken(slots[at + 1] as F, token)) return at;
    }
  }

  private place(value: V): void {
    let i = value.tokenTag & this.mask;
    while (this.slots[WIDTH * i] !== EMPTY) i = (i + 1) & this.mask;
    this.slots[WIDTH * i] = value.tokenTag;
    this.slots[WIDTH * i + 1] = value.form;
    this.slots[WIDTH * i + 2] = value;
  }

  /** Empties entry `hole` and moves later entries of its run back, so no probe stops short (no tombstones). */
  private vacate(hole: number): void {
    const slots = this.slots;
    for (let i = (hole + 1) & this.mask; slots[WIDTH * i] !== EMPTY; i = (i + 1) & this.mask) {
      const home = (slots[WIDTH * i] as number) & this.mask;
      // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
      const stays = hole < i ? home > hole && home <= i : home > hole || home <= i;
      if (stays) continue;
      for (let k = 0; k < WIDTH; k++) slots[WIDTH * hole + k] = slots[WIDTH * i + k];
      hole = i;
    }
    slots[WIDTH * hole] = EMPTY;
    slots[WIDTH * hole + 1] = undefined;
    slots[WIDTH * hole + 2] = undefined;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += WIDTH) {
      if (old[at] !== EMPTY) this.place(old[at + 2] as V);
    }
  }
}

/** Built by push: `new Array(n)` of a large n would be a slow dictionary-mode array. */
function emptySlots(capacity: number): unknown[] {
  const slots: unknown[] = [];
  for (let i = 0; i < capacity; i++) slots.push(EMPTY, undefined, undefined);
  return slots;
}
