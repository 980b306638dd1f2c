import { McpSessionTable } from '../../src/server/http/mcp-session-table';

/*
 * The session table's refusals, where timing cannot decide them: a user whose every slot is still
 * being opened (no session id yet) is refused with 'user_busy' rather than losing a session that
 * is not there yet; once one has an id, it is the one evicted. Seen from a client these are the
 * 503s of http-limits.test.ts; here the "still opening" state is held on purpose.
 */
describe('McpSessionTable', () => {
  const limits = { maxSessions: 3, maxSessionsPerUser: 1, idleTimeoutMs: 60_000 };

  function table() {
    const closed: string[] = [];
    const sessions = new McpSessionTable<string>(limits, async (session) => void closed.push(session));
    return { sessions, closed };
  }

  it("refuses a user's new session with user_busy while their only slot is still opening, and evicts nothing", () => {
    const { sessions, closed } = table();
    const opening = sessions.reserve('alice');
    if (typeof opening === 'string') throw new Error(`unexpected refusal ${opening}`);
    opening.session = 'alice-1';

    expect(sessions.reserve('alice')).toBe('user_busy');
    expect(closed).toEqual([]);
    // Another user is not affected.
    expect(typeof sessions.reserve('bob')).toBe('object');
  });

  it('once the slot has a session id, a new session of the same user evicts it instead', async () => {
    const { sessions, closed } = table();
    const first = sessions.reserve('alice');
    if (typeof first === 'string') throw new Error(`unexpected refusal ${first}`);
    first.session = 'alice-1';
    expect(sessions.activate(first, 'id-1')).toBe(true);

    const second = sessions.reserve('alice');
    expect(typeof second).toBe('object');
    await Promise.resolve();
    expect(closed).toEqual(['alice-1']);
    expect(sessions.find('id-1', 'alice')).toBeUndefined();
  });

  it('says server_full at maxSessions, and a slot given back makes room', async () => {
    const { sessions } = table();
    const slots = ['a', 'b', 'c'].map((user) => sessions.reserve(user));
    expect(sessions.reserve('d')).toBe('server_full');
    const first = slots[0];
    if (typeof first === 'string') throw new Error(`unexpected refusal ${first}`);
    await sessions.evict(first);
    expect(typeof sessions.reserve('d')).toBe('object');
  });
});
