import { createHash } from 'node:crypto';
import { ConnectionTokenHashes, hashToken } from '../../src/auth/token-hash';

describe('hashToken', () => {
  it('is the base64url SHA-256 of the UTF-8 token, whatever the token holds', () => {
    for (const token of ['', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', 'eyJ'.padEnd(4096, 'x'), 'clé-ünïcödé-🔑', 'a\u0000b', 'lone \ud800 surrogate']) {
      expect(hashToken(token)).toBe(createHash('sha256').update(token, 'utf8').digest('base64url'));
    }
  });
});

describe('ConnectionTokenHashes', () => {
  it("gives hashToken's answer for every token, whether it repeats, changes, or comes back as another string", () => {
    const hashes = new ConnectionTokenHashes();
    const a = 'eyJ'.padEnd(600, 'a');
    const b = 'eyJ'.padEnd(600, 'b');
    const sameAsA = ['eyJ', 'a'.repeat(597)].join('');
    for (const token of [a, a, b, a, sameAsA, '', b, 'clé-🔑', a]) {
      expect(hashes.hash(token)).toBe(hashToken(token));
    }
  });
});
