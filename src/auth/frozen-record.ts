import { copyPlainData, NOT_PLAIN } from '../session/copy-plain-data';
import { deepFreeze } from '../session/deep-freeze';

/**
 * A frozen copy of `record` whose JSON-like values are frozen copies all the way down. Values that
 * are not plain data (class instances, functions) are kept by reference, as given. The caller's
 * objects are never frozen, only our copies.
 */
export function frozenRecord(record: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (record) {
    for (const key of Object.keys(record)) {
      const value = record[key];
      const copy = typeof value === 'object' && value !== null ? copyPlainData(value) : value;
      out[key] = copy === NOT_PLAIN ? value : deepFreeze(copy);
    }
  }
  return Object.freeze(out);
}
