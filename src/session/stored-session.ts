import { inspect } from 'node:util';
import { deepFreeze } from './deep-freeze';
import type { SessionData } from './session-data';
import { decodeSession, encodedHasToken, encodeSession } from './session-codec';
import type { TokenIndexed } from './token-index';

/**
 * How a session is kept: encoded (see session-codec), so a lookup touches few objects, or, for data
 * the codec does not take, as a frozen `SessionData`.
 */
export type StoredForm = string | SessionData;

/** A fresh deep copy of the stored session, for the caller to keep or change. */
export function readStoredForm(form: StoredForm): SessionData {
  return typeof form === 'string' ? decodeSession(form) : form.clone();
}

export function storedFormHasToken(form: StoredForm, token: string): boolean {
  return typeof form === 'string' ? encodedHasToken(form, token) : form.accessToken === token;
}

/**
 * One revision of a session in a `MemorySessionStore`: a copy of what was saved, never changed (a
 * change stores a new one), with what the store's indexes need.
 */
export class StoredSession implements TokenIndexed<StoredForm> {
  /** The frozen copy `peek()` lends, made on the first peek. */
  private lent: SessionData | undefined;

  private constructor(
    readonly userId: string,
    readonly slot: string,
    /** The store's key for (userId, slot). */
    readonly key: string,
    readonly tokenTag: number,
    readonly expiresAt: number | undefined,
    readonly form: StoredForm,
  ) {
    if (typeof form !== 'string') this.lent = form;
  }

  /** A stored copy of `session`; nothing of the caller's object is kept. */
  static of(session: SessionData, slot: string, key: string, tokenTag: number): StoredSession {
    const form = encodeSession(session) ?? deepFreeze(session.clone());
    return new StoredSession(session.userId, slot, key, tokenTag, session.expiresAt, form);
  }

  /** Console output without the stored form, which holds the tokens. */
  [inspect.custom](): string {
    return `StoredSession ${inspect({ userId: this.userId, slot: this.slot, expiresAt: this.expiresAt })}`;
  }

  read(): SessionData {
    return readStoredForm(this.form);
  }

  /**
   * This revision as a frozen, shared `SessionData`: the same object on every call, so its identity
   * stands for the revision (see `PeekableSessionStore`).
   */
  peek(): SessionData {
    this.lent ??= deepFreeze(readStoredForm(this.form));
    return this.lent;
  }
}
