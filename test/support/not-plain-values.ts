/**
 * Values JSON-like copies (copyPlainData, the session codec) do not take and leave to
 * structuredClone, each with a name for `it.each`.
 */
export function notPlainValues(): [string, Record<string, unknown>][] {
  return [
    ['a Date', { when: new Date(0) }],
    ['a Map', { m: new Map([[1, 2]]) }],
    ['a class instance', { x: new (class Point { x = 1 })() }],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array', { list: [1, , 3] }],
    ['an array with extra properties', { list: Object.assign([1], { extra: true }) }],
    ['a proxy', { p: new Proxy({}, {}) }],
    ['a function', { f: () => 1 }],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>],
  ];
}
