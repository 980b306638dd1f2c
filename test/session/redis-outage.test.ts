import { createServer, type Server, type Socket } from 'node:net';
import { RedisSessionStore, SessionStoreUnavailableError } from '../../src/session';
import { describeWithRedisServer, RedisServerProcess } from '../support/redis';
import { eventually, makeSession } from './store-contract';

/** Milliseconds `promise` took to settle, and how. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { ms: Date.now() - started, error };
}

describeWithRedisServer('RedisSessionStore when Redis goes away', () => {
  let server: RedisServerProcess;
  const stores: RedisSessionStore[] = [];

  beforeAll(async () => {
    server = await RedisServerProcess.start();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  function storeWith(url: string, commandTimeoutMs?: number): RedisSessionStore {
    const store = new RedisSessionStore({ url, keyPrefix: 'outage:', commandTimeoutMs });
    stores.push(store);
    return store;
  }

  it('fails closed within the bound while Redis is down, and recovers without a restart', async () => {
    const store = storeWith(server.url, 500);
    await store.save(makeSession({ userId: 'before' }));

    await server.stop();
    const calls = await Promise.all(Array.from({ length: 50 }, (_, i) => timed(store.load(`user-${i}`, 'github'))));

    for (const { ms, error } of calls) {
      expect(error).toBeInstanceOf(SessionStoreUnavailableError);
      expect((error as SessionStoreUnavailableError).code).toBe('session_store_unavailable');
      expect(ms).toBeLessThan(2000);
    }

    await server.start();
    await eventually(
      () => store.save(makeSession({ userId: 'after' })).then(() => true, () => false),
      15_000,
    );
    expect((await store.load('after', 'github'))?.userId).toBe('after');
  }, 30_000);

  it('answers within the default bound of 2 s when nothing is listening', async () => {
    await server.stop(); // its port is now known to have nothing listening
    const store = storeWith(server.url);

    const { ms, error } = await timed(store.findByAccessToken('some-token'));

    expect(error).toBeInstanceOf(SessionStoreUnavailableError);
    expect((error as Error).message).not.toContain('some-token');
    expect(ms).toBeLessThan(3000);
    await server.start();
  }, 15_000);

  it('fails closed when Redis accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket)); // holds sockets open, replies nothing
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    try {
      const store = storeWith(`redis://127.0.0.1:${port}`, 300);

      const { ms, error } = await timed(store.save(makeSession()));

      expect(error).toBeInstanceOf(SessionStoreUnavailableError);
      expect(ms).toBeLessThan(1500);
    } finally {
      await stores.splice(0).reduce((done, store) => done.then(() => store.close()), Promise.resolve());
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => silent.close(done));
    }
  }, 15_000);
});
