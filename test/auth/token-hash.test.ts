import { createHash } from 'node:crypto';
import { hashToken } from '../../src/auth/token-hash';

describe('hashToken', () => {
  it('is the base64url SHA-256 of the UTF-8 token, whatever the token holds', () => {
    for (const token of ['', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', 'eyJ'.padEnd(4096, 'x'), 'clé-ünïcödé-🔑', 'a\u0000b', 'lone \ud800 surrogate']) {
      expect(hashToken(token)).toBe(createHash('sha256').update(token, 'utf8').digest('base64url'));
    }
  });
});
