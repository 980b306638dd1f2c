/**
 * Child process of `npm run stress` that is killed with SIGKILL mid-write: saves sessions to a
 * FileSessionStore in a loop (with a token refresh every other one) and prints each user id once
 * its save has resolved. Usage: file-store-writer.ts <directory>
 */
import { FileSessionStore, SessionData } from '../../src/session';

async function main(): Promise<void> {
  const store = new FileSessionStore(process.argv[2]);
  for (let i = 0; ; i += 1) {
    const userId = `killed-${i}`;
    await store.save(new SessionData({ userId, provider: 'google', accessToken: `token-${userId}`, refreshToken: `refresh-${userId}` }));
    if (i % 2 === 1) await store.updateTokens(userId, { accessToken: `refreshed-${userId}`, expiresIn: 3600 }, 'google');
    process.stdout.write(`${userId}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
