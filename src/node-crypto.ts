/**
 * `node:crypto`, loaded when first used rather than when `nextmcp` is imported: it is about a
 * tenth of what the package adds to a server's start-up, and a server without auth never needs it.
 */
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('node:crypto') as typeof import('node:crypto'));
}
