import { inspect } from 'node:util';

/**
 * A set that cannot change after construction. `AuthContext` shares one instance between the
 * requests of a caller, so its scopes, roles and permissions must not be editable by a handler:
 * a `Set` typed as `ReadonlySet` can still be cast and `add()`ed to.
 *
 * @example
 * const scopes = new FrozenSet(['read', 'write']);
 * scopes.has('read'); // true
 */
export class FrozenSet<T> implements ReadonlySet<T> {
  readonly #items: Set<T>;

  constructor(items: Iterable<T> = []) {
    this.#items = new Set(items);
    Object.freeze(this);
  }

  /** How many items it holds. */
  get size(): number {
    return this.#items.size;
  }

  /** Whether it holds `value`. */
  has(value: T): boolean {
    return this.#items.has(value);
  }

  /** Calls `callback` for each item, as `Set.forEach` does. */
  forEach(callback: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.#items) callback.call(thisArg, value, value, this);
  }

  entries(): SetIterator<[T, T]> {
    return this.#items.entries();
  }

  keys(): SetIterator<T> {
    return this.#items.keys();
  }

  values(): SetIterator<T> {
    return this.#items.values();
  }

  /** The items, in insertion order. */
  [Symbol.iterator](): SetIterator<T> {
    return this.#items.values();
  }

  /** The items as an array (what `JSON.stringify` writes). */
  toJSON(): T[] {
    return [...this.#items];
  }

  /** `console.log` shows the items, as it does for a `Set` (private fields are not shown). */
  [inspect.custom](depth: number, options: object): string {
    return `FrozenSet(${this.size}) ${inspect(this.#items, { ...options, depth }).replace(/^Set\(\d+\) /, '')}`;
  }
}
