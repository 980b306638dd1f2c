import { randomBytes } from 'node:crypto';
import { parseEncryptionKey, SessionCipher } from '../../src/session/encryption';
import { CorruptSessionError, SessionDecryptionError } from '../../src/session';

describe('parseEncryptionKey', () => {
  const bytes = randomBytes(32);

  it('accepts 32 bytes as a Buffer, 64 hex characters, base64 and base64url', () => {
    for (const spelling of [bytes, new Uint8Array(bytes), bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) {
      expect(parseEncryptionKey(spelling).equals(bytes)).toBe(true);
    }
  });

  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['31 bytes', randomBytes(31)],
    ['33 bytes of hex', randomBytes(33).toString('hex')],
    ['16 bytes of base64', randomBytes(16).toString('base64')],
  ])('refuses %s without quoting it', (_what, key) => {
    let message = '';
    try {
      parseEncryptionKey(key);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/32 bytes/);
    if (typeof key === 'string') expect(message).not.toContain(key);
  });
});

describe('SessionCipher (AES-256-GCM)', () => {
  const cipher = new SessionCipher(randomBytes(32));

  it('opens what it sealed, with a fresh IV every time', () => {
    const first = cipher.seal('the secret', 'identity');
    const second = cipher.seal('the secret', 'identity');

    expect(first.iv).not.toBe(second.iv);
    expect(first.data).not.toBe(second.data);
    expect(JSON.stringify(first)).not.toContain('the secret');
    expect(cipher.open(first, 'identity')).toBe('the secret');
  });

  it('refuses other associated data (a ciphertext moved to another identity)', () => {
    const sealed = cipher.seal('the secret', 'user-a');

    expect(() => cipher.open(sealed, 'user-b')).toThrow(CorruptSessionError);
  });

  it('refuses an altered ciphertext or a truncated tag', () => {
    const sealed = cipher.seal('the secret', 'identity');
    const data = Buffer.from(sealed.data, 'base64url');
    data[0] ^= 1;

    expect(() => cipher.open({ ...sealed, data: data.toString('base64url') }, 'identity')).toThrow(CorruptSessionError);
    expect(() => cipher.open({ ...sealed, tag: sealed.tag.slice(0, 6) }, 'identity')).toThrow(CorruptSessionError);
  });

  it('tells a wrong key apart from tampering', () => {
    const sealed = cipher.seal('the secret', 'identity');

    expect(() => new SessionCipher(randomBytes(32)).open(sealed, 'identity')).toThrow(SessionDecryptionError);
  });
});
