import { SessionData } from './session-data';
import { plainContainer } from './copy-plain-data';

/**
 * A session as one flat string, for stores that keep sessions in this process. Why: on a large
 * store every separate object a lookup touches is a cache (and TLB) miss, and a `SessionData` is a
 * dozen objects (strings, arrays, boxed numbers) scattered over the heap; this is one. Decoding
 * builds a fresh `SessionData`, so it is also the deep copy the store hands out.
 *
 * Format: the fields in a fixed order (access token first, so a candidate is checked without
 * decoding), each value a tag character and its payload. Strings and numbers (as text) carry their
 * length, arrays and objects their count, as base-128 digits, low first, 0x80 meaning "more".
 * Not `JSON`: its text comes back as a rope (many pieces), and `JSON.parse` interns short strings.
 */

const STRING = 0x73; // s
const NUMBER = 0x6e; // n
const TRUE = 0x74; // t
const FALSE = 0x66; // f
const NULL = 0x7a; // z
const UNDEFINED = 0x75; // u
const ARRAY = 0x61; // a
const OBJECT = 0x6f; // o

/** Thrown inside the encoder for a value it does not take; never escapes this module. */
class NotEncodable extends Error {}

/**
 * The encoded form of `session` (normalized as `new SessionData()` does), or undefined when it holds
 * data that only `structuredClone` copies faithfully: anything but strings, numbers, booleans, null,
 * undefined, plain objects and dense arrays, or an object reached twice (shared or circular).
 */
export function encodeSession(session: SessionData): string | undefined {
  const s = new SessionData(session);
  const out = new Writer();
  try {
    for (const value of [s.accessToken, s.userId, s.refreshToken, s.tokenType, s.expiresAt, s.scopes, s.userInfo, s.provider, s.metadata, s.createdAt, s.updatedAt]) {
      out.value(value);
    }
  } catch (error) {
    if (error instanceof NotEncodable) return undefined;
    throw error;
  }
  // join() gives one flat string (a `+=` chain would leave a rope for every read to walk).
  return out.parts.join('');
}

/** A fresh `SessionData` from `encodeSession`'s output. */
export function decodeSession(encoded: string): SessionData {
  const r = new Reader(encoded);
  const accessToken = r.value() as string;
  return new SessionData({
    accessToken,
    userId: r.value() as string,
    refreshToken: r.value() as string | undefined,
    tokenType: r.value() as string,
    expiresAt: r.value() as number | undefined,
    scopes: r.value() as string[],
    userInfo: r.value() as Record<string, unknown>,
    provider: r.value() as string | undefined,
    metadata: r.value() as Record<string, unknown>,
    createdAt: r.value() as number,
    updatedAt: r.value() as number,
  });
}

/** Whether the encoded session's access token is `token`, without decoding the rest. */
export function encodedHasToken(encoded: string, token: string): boolean {
  // The access token comes first: its tag, its length, its characters.
  if (encoded.charCodeAt(0) !== STRING) return false;
  const r = new Reader(encoded, 1);
  if (r.length() !== token.length) return false;
  // slice + === compares memory at once; startsWith() walks a long token character by character.
  // It stops at the first difference, but runs only for a session whose 30-bit hash tag matched
  // the presented token's, so a caller cannot choose which stored token it is compared with.
  return encoded.slice(r.at, r.at + token.length) === token;
}

class Writer {
  readonly parts: string[] = [];
  private readonly seen = new Set<object>();

  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.text(STRING, value);
      case 'number':
        // String() drops the sign of -0 only; every other number reads back exactly.
        return this.text(NUMBER, Object.is(value, -0) ? '-0' : String(value));
      case 'boolean':
        this.parts.push(String.fromCharCode(value ? TRUE : FALSE));
        return;
      case 'undefined':
        this.parts.push(String.fromCharCode(UNDEFINED));
        return;
      case 'object':
        if (value === null) {
          this.parts.push(String.fromCharCode(NULL));
          return;
        }
        return this.object(value);
      default:
        throw new NotEncodable();
    }
  }

  private object(value: object): void {
    // What copyPlainData would leave to structuredClone is not encoded, nor a repeated reference.
    const kind = this.seen.has(value) ? undefined : plainContainer(value);
    if (kind === undefined) throw new NotEncodable();
    this.seen.add(value);
    if (kind === 'array') {
      const items = value as unknown[];
      this.parts.push(String.fromCharCode(ARRAY), length(items.length));
      for (let i = 0; i < items.length; i++) this.value(items[i]);
      return;
    }
    const keys = Object.keys(value);
    this.parts.push(String.fromCharCode(OBJECT), length(keys.length));
    for (const key of keys) {
      // Assigning `__proto__` would set the prototype instead of an own property.
      if (key === '__proto__') throw new NotEncodable();
      this.parts.push(length(key.length), key);
      this.value((value as Record<string, unknown>)[key]);
    }
  }

  private text(tag: number, text: string): void {
    this.parts.push(String.fromCharCode(tag), length(text.length), text);
  }
}

function length(n: number): string {
  let digits = '';
  while (n >= 0x80) {
    digits += String.fromCharCode(0x80 | (n & 0x7f));
    n = Math.floor(n / 0x80);
  }
  return digits + String.fromCharCode(n);
}

class Reader {
  constructor(
    private readonly encoded: string,
    public at = 0,
  ) {}

  value(): unknown {
    const tag = this.encoded.charCodeAt(this.at++);
    switch (tag) {
      case STRING:
        return this.text();
      case NUMBER:
        return Number(this.text());
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case ARRAY: {
        const array: unknown[] = [];
        for (let n = this.length(); n > 0; n--) array.push(this.value());
        return array;
      }
      case OBJECT: {
        const object: Record<string, unknown> = {};
        for (let n = this.length(); n > 0; n--) {
          const key = this.text();
          object[key] = this.value();
        }
        return object;
      }
      default:
        throw new Error(`corrupt encoded session: tag ${tag} at ${this.at - 1}`);
    }
  }

  length(): number {
    let n = 0;
    let scale = 1;
    let digit = this.encoded.charCodeAt(this.at++);
    while (digit >= 0x80) {
      n += (digit & 0x7f) * scale;
      scale *= 0x80;
      digit = this.encoded.charCodeAt(this.at++);
    }
    return n + digit * scale;
  }

  private text(): string {
    const n = this.length();
    const text = this.encoded.slice(this.at, this.at + n);
    this.at += n;
    return text;
  }
}
