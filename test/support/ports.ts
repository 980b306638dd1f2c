import { createServer } from 'node:net';

/** A port on 127.0.0.1 that nothing listens on (bound, then released): free to listen on, or refused when connected to. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
