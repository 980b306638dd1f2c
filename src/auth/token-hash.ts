import { createHash } from 'node:crypto';

/**
 * A stable, non-reversible key for a token value. Caches and session indexes are keyed by this,
 * so a token never sits in a map key, a file name or a Redis key.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
