/**
 * Reflect-metadata keys written by the decorators and read only by the metadata scanner.
 * `Symbol.for` so that two copies of the package in one process still agree.
 */
export const TOOL_METADATA = Symbol.for('nextmcp:tool');
export const RESOURCE_METADATA = Symbol.for('nextmcp:resource');
export const PROMPT_METADATA = Symbol.for('nextmcp:prompt');
/** A list of `AccessRule`s, on a class, a method, or a functional handler. */
export const ACCESS_METADATA = Symbol.for('nextmcp:access');
