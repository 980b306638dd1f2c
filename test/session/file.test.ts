import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { hashToken } from '../../src/auth/token-hash';
import {
  type CorruptSessionReport,
  FileSessionStore,
  type FileSessionStoreOptions,
  SessionDecryptionError,
} from '../../src/session';
import { describeSessionStoreContract, makeSession, recordingLogger } from './store-contract';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nextmcp-file-store-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
function newDirectory(): string {
  counter += 1;
  return join(root, `store-${counter}`);
}

describeSessionStoreContract('FileSessionStore', { create: (options) => new FileSessionStore(newDirectory(), options) });
describeSessionStoreContract('FileSessionStore (encrypted)', {
  create: (options) => new FileSessionStore(newDirectory(), { ...options, encryptionKey: randomBytes(32) }),
});

/** Every file below `directory`, with its path. */
async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? walk(join(directory, entry.name)) : Promise.resolve([join(directory, entry.name)]))),
  );
  return nested.flat();
}

async function allBytes(directory: string): Promise<string> {
  const files = await walk(directory);
  return (await Promise.all(files.map((file) => readFile(file, 'latin1')))).join('\n') + files.join('\n');
}

function sessionFiles(files: string[]): string[] {
  return files.filter((file) => file.includes(join('sessions', '')) && file.endsWith('.json'));
}

async function readSessionFiles(directory: string): Promise<Array<{ file: string; text: string }>> {
  return Promise.all(sessionFiles(await walk(directory)).map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
}

describe('FileSessionStore on disk', () => {
  function storeIn(directory: string, options: FileSessionStoreOptions = {}): FileSessionStore {
    return new FileSessionStore(directory, options);
  }

  it('creates 0700 directories and 0600 files', async () => {
    const directory = newDirectory();
    await storeIn(directory).save(makeSession());

    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    for (const sub of ['sessions', 'tokens']) expect((await stat(join(directory, sub))).mode & 0o777).toBe(0o700);
    const files = await walk(directory);
    expect(files.length).toBe(2); // the session and its token index entry
    for (const file of files) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(resolve(file, '..'))).mode & 0o777).toBe(0o700);
    }
  });

  it('names files by hashes: ids cannot escape the directory and never appear in paths', async () => {
    const parent = newDirectory();
    const directory = join(parent, 'store');
    const store = storeIn(directory);
    const sneaky = makeSession({ userId: '../../etc/passwd', provider: '../../../tmp/x' });
    await store.save(sneaky);
    await store.save(makeSession({ userId: '/absolute/path', provider: 'github' }));

    expect(await readdir(parent)).toEqual(['store']);
    const files = await walk(directory);
    for (const file of files) {
      expect(file.startsWith(directory)).toBe(true);
      expect(file).not.toMatch(/passwd|absolute|tmp\/x/);
      expect(file).not.toContain(sneaky.accessToken);
    }
    expect((await store.load('../../etc/passwd'))?.provider).toBe('../../../tmp/x');
  });

  it('keeps tokens and user info out of the files when encrypted', async () => {
    const directory = newDirectory();
    const store = storeIn(directory, { encryptionKey: randomBytes(32).toString('hex') });
    const session = makeSession({ accessToken: 'ya29.access-secret', refreshToken: '1//refresh-secret' });
    await store.save(session);
    await store.updateTokens('user-1', { accessToken: 'ya29.rotated-secret', refreshToken: '1//rotated-refresh' }, 'github');

    const bytes = await allBytes(directory);

    for (const secret of ['access-secret', 'refresh-secret', 'rotated-secret', 'rotated-refresh', 'octo@example.com']) {
      expect(bytes).not.toContain(secret);
    }
    expect((await store.findByAccessToken('ya29.rotated-secret'))?.refreshToken).toBe('1//rotated-refresh');
  });

  it('stores the token in the clear without a key (so the test above proves something)', async () => {
    const directory = newDirectory();
    await storeIn(directory).save(makeSession({ accessToken: 'plain-access-token' }));

    expect(await allBytes(directory)).toContain('plain-access-token');
  });

  it('reads with the same key in another spelling', async () => {
    const directory = newDirectory();
    const key = randomBytes(32);
    const session = makeSession();
    await storeIn(directory, { encryptionKey: key.toString('hex') }).save(session);

    const loaded = await storeIn(directory, { encryptionKey: key.toString('base64') }).load('user-1', 'github');

    expect(loaded?.accessToken).toBe(session.accessToken);
  });

  it('refuses a wrong key with SessionDecryptionError and leaves the file alone', async () => {
    const directory = newDirectory();
    const session = makeSession();
    await storeIn(directory, { encryptionKey: randomBytes(32) }).save(session);
    const onCorrupt = jest.fn();
    const wrong = storeIn(directory, { encryptionKey: randomBytes(32), onCorrupt });

    const failure = await wrong.load('user-1', 'github').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SessionDecryptionError);
    expect((failure as Error).message).toMatch(/different key/);
    expect((failure as Error).message).not.toContain(session.accessToken);
    await expect(wrong.findByAccessToken(session.accessToken)).rejects.toBeInstanceOf(SessionDecryptionError);
    expect(onCorrupt).not.toHaveBeenCalled();
    expect(sessionFiles(await walk(directory))).toHaveLength(1);
    await expect(wrong.listUsers()).resolves.toEqual(['user-1']); // listing needs no key
  });

  it('refuses encrypted files without a key, and plain files with one', async () => {
    const encrypted = newDirectory();
    await storeIn(encrypted, { encryptionKey: randomBytes(32) }).save(makeSession());
    const plain = newDirectory();
    await storeIn(plain).save(makeSession());

    await expect(storeIn(encrypted).load('user-1')).rejects.toThrow(/configure the store with its encryptionKey/);
    await expect(storeIn(plain, { encryptionKey: randomBytes(32) }).load('user-1')).rejects.toBeInstanceOf(SessionDecryptionError);
  });

  it('quarantines a corrupt file, reports it without the token, and keeps serving other users', async () => {
    const directory = newDirectory();
    const reports: CorruptSessionReport[] = [];
    const store = storeIn(directory, { onCorrupt: (report) => reports.push(report) });
    const victim = makeSession({ userId: 'victim', accessToken: 'victim-secret-token' });
    await store.save(victim);
    await store.save(makeSession({ userId: 'bystander' }));
    const victimPath = (await readSessionFiles(directory)).find(({ text }) => text.includes('"victim"'))!.file;
    // A torn, half-written file that still holds the token text.
    await writeFile(victimPath, '{"format":1,"userId":"victim","session":{"accessToken":"victim-secret-token"');

    await expect(store.load('victim')).resolves.toBeNull();

    expect(reports).toHaveLength(1);
    expect(reports[0].location).toBe(victimPath);
    expect(reports[0].quarantinedAs).toMatch(/\.corrupt$/);
    expect(JSON.stringify(reports)).not.toContain('victim-secret-token');
    expect(await readFile(reports[0].quarantinedAs!, 'utf8')).toContain('victim-secret-token');
    await expect(stat(victimPath)).rejects.toThrow();
    expect((await store.load('bystander'))?.userId).toBe('bystander');
    await expect(store.listUsers()).resolves.toEqual(['bystander']);
    await expect(store.findByAccessToken('victim-secret-token')).resolves.toBeNull();
  });

  it('warns on the console by default, without the token', async () => {
    const directory = newDirectory();
    const store = storeIn(directory);
    await store.save(makeSession({ accessToken: 'warned-secret-token' }));
    const [file] = sessionFiles(await walk(directory));
    await writeFile(file, '{"accessToken":"warned-secret-token"}');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await expect(store.load('user-1', 'github')).resolves.toBeNull();

      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toContain('.corrupt');
      expect(String(warn.mock.calls[0][0])).not.toContain('warned-secret-token');
    } finally {
      warn.mockRestore();
    }
  });

  it("warns on the store's logger when given one, without the token", async () => {
    const directory = newDirectory();
    const logger = recordingLogger();
    const store = storeIn(directory, { logger });
    await store.save(makeSession({ accessToken: 'logged-secret-token' }));
    const [file] = sessionFiles(await walk(directory));
    await writeFile(file, '{"accessToken":"logged-secret-token"}');

    await expect(store.load('user-1', 'github')).resolves.toBeNull();

    expect(logger.lines).toEqual([
      { level: 'warn', message: 'unreadable session set aside', fields: expect.objectContaining({ location: file, quarantinedAs: expect.stringMatching(/\.corrupt$/) }) },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('logged-secret-token');
  });

  it('quarantines an encrypted file whose ciphertext was altered', async () => {
    const directory = newDirectory();
    const onCorrupt = jest.fn();
    const store = storeIn(directory, { encryptionKey: randomBytes(32), onCorrupt });
    await store.save(makeSession());
    const [file] = sessionFiles(await walk(directory));
    const record = JSON.parse(await readFile(file, 'utf8'));
    const ciphertext = Buffer.from(record.sealed.data, 'base64url');
    ciphertext[0] ^= 1;
    record.sealed.data = ciphertext.toString('base64url');
    await writeFile(file, JSON.stringify(record));

    await expect(store.load('user-1', 'github')).resolves.toBeNull();
    expect(onCorrupt).toHaveBeenCalledWith(expect.objectContaining({ location: file, reason: expect.stringMatching(/integrity/) }));
  });

  it('ignores a session file copied into another user\'s place', async () => {
    const directory = newDirectory();
    const store = storeIn(directory);
    await store.save(makeSession({ userId: 'alice', accessToken: 'alice-token' }));
    await store.save(makeSession({ userId: 'mallory' }));
    const files = await readSessionFiles(directory);
    const alice = files.find(({ text }) => text.includes('alice-token'))!;
    const mallory = files.find(({ text }) => !text.includes('alice-token'))!;

    await writeFile(mallory.file, alice.text);

    await expect(store.load('mallory', 'github')).resolves.toBeNull();
    await expect(store.load('mallory')).resolves.toBeNull();
    expect((await store.findByAccessToken('alice-token'))?.userId).toBe('alice');
  });

  it('never returns a session through a stale token index entry, and cleanup removes it', async () => {
    const directory = newDirectory();
    const store = storeIn(directory);
    await store.save(makeSession({ accessToken: 'old-token' }));
    const indexFile = join(directory, 'tokens', `${Buffer.from(hashToken('old-token'), 'base64url').toString('hex')}.json`);
    const staleEntry = await readFile(indexFile, 'utf8');
    await store.updateTokens('user-1', { accessToken: 'new-token' }, 'github');
    await expect(stat(indexFile)).rejects.toThrow();

    await writeFile(indexFile, staleEntry); // as if a crash had left it behind

    await expect(store.findByAccessToken('old-token')).resolves.toBeNull();
    await store.cleanupExpired();
    await expect(stat(indexFile)).rejects.toThrow();
    expect((await store.findByAccessToken('new-token'))?.accessToken).toBe('new-token');
  });

  it('leaves no temp files behind', async () => {
    const directory = newDirectory();
    const store = storeIn(directory);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(makeSession({ userId: `u${i}` }))));

    expect((await walk(directory)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it("removes a crash's stale temp files at start, never another process's write in flight", async () => {
    const directory = newDirectory();
    await storeIn(directory).save(makeSession());
    const [sessionFile] = sessionFiles(await walk(directory));
    const userDir = resolve(sessionFile, '..');
    const tokenFile = (await walk(join(directory, 'tokens')))[0];
    const otherPid = process.pid + 1;
    const tempOf = (file: string, pid: number) => join(resolve(file, '..'), `.${basename(file)}.${pid}.${randomBytes(6).toString('hex')}.tmp`);
    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000);
    const crashed = [tempOf(sessionFile, otherPid), tempOf(tokenFile, otherPid)];
    for (const file of crashed) {
      await writeFile(file, '{"half":');
      await utimes(file, twoMinutesAgo, twoMinutesAgo);
    }
    // Another process is writing this one right now: open, partly written, seconds old.
    const inFlight = tempOf(sessionFile, otherPid);
    const writer = await open(inFlight, 'wx', 0o600);
    await writer.write('{"format":1,');
    const unrelated = join(userDir, 'notes.tmp');
    await writeFile(unrelated, 'not a temp file of the store');
    await utimes(unrelated, twoMinutesAgo, twoMinutesAgo);

    const restarted = storeIn(directory);
    await restarted.close(); // waits for the start-up sweep

    for (const file of crashed) await expect(stat(file)).rejects.toThrow(/ENOENT/);
    await writer.write('"done":true}');
    await writer.close();
    expect(await readFile(inFlight, 'utf8')).toBe('{"format":1,"done":true}');
    expect(await readFile(unrelated, 'utf8')).toBe('not a temp file of the store');
    expect((await storeIn(directory).load('user-1', 'github'))?.userId).toBe('user-1');
  });

  it('loses nothing when two processes write different users at the same time', async () => {
    const directory = newDirectory();
    const script = join(__dirname, 'fixtures', 'write-sessions.ts');
    const run = (name: string) =>
      promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', script, directory, name, '60'], {
        cwd: resolve(__dirname, '../..'),
        timeout: 60_000,
      });

    await Promise.all([run('alpha'), run('beta')]);

    const store = storeIn(directory);
    const users = await store.listUsers();
    expect(users).toHaveLength(120);
    for (const name of ['alpha', 'beta']) {
      for (let i = 0; i < 60; i += 1) {
        const userId = `${name}-${i}`;
        const expected = i % 2 === 0 ? `refreshed-${userId}` : `token-${userId}`;
        expect((await store.findByAccessToken(expected))?.userId).toBe(userId);
        expect((await store.load(userId))?.metadata).toEqual({ writer: name });
      }
    }
  }, 60_000);

  it('refuses a malformed key before touching the disk', () => {
    expect(() => new FileSessionStore(newDirectory(), { encryptionKey: 'too-short' })).toThrow(TypeError);
  });
});
