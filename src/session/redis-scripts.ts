/**
 * Lua scripts of the Redis store. Each touches one user's keys only (same hash tag), so it is
 * atomic and also runs on Redis Cluster. Token index keys live on other slots and are written
 * with single-key commands; a stale index entry is harmless because lookups verify the token hash.
 */

/**
 * Writes a session record and adds its slot to the user index, keeping the index's TTL at least
 * the session's (and none while any session has none). In `replace` mode it writes only if the
 * record is still `expected` (compare-and-set, for updateTokens).
 *
 * KEYS: session, userIndex. ARGV: mode ('set' | 'replace'), expected, record, ttlMs ('' = none), slot.
 * Returns {1, previousRecord or ''} when written, {0, ''} when `expected` no longer matched.
 */
export const WRITE_SESSION = `
local previous = redis.call('GET', KEYS[1])
if ARGV[1] == 'replace' and previous ~= ARGV[2] then return {0, ''} end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
local indexExisted = redis.call('EXISTS', KEYS[2])
local indexTtl = redis.call('PTTL', KEYS[2])
redis.call('SADD', KEYS[2], ARGV[5])
if ARGV[4] == '' then
  redis.call('PERSIST', KEYS[2])
elseif indexExisted == 0 or (indexTtl >= 0 and indexTtl < tonumber(ARGV[4])) then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return {1, previous or ''}
`;

/**
 * Deletes a session record and its slot in the user index; with `expected` only if the record is
 * still that one (so cleanup never deletes a session refreshed meanwhile).
 *
 * KEYS: session, userIndex. ARGV: expected ('' = any), slot. Returns the deleted record or ''.
 */
export const DELETE_SESSION = `
local previous = redis.call('GET', KEYS[1])
if not previous then
  redis.call('SREM', KEYS[2], ARGV[2])
  return ''
end
if ARGV[1] ~= '' and previous ~= ARGV[1] then return '' end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return previous
`;

/** KEYS: key. ARGV: expected. Deletes the key only while it holds `expected`; returns 1 if deleted. */
export const DELETE_IF_EQUAL = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: key, destination. ARGV: expected. Renames only while the key holds `expected`. */
export const RENAME_IF_EQUAL = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('RENAME', KEYS[1], KEYS[2])
  return 1
end
return 0
`;
