import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { FileSessionStore, MemorySessionStore, SessionData, type SessionStore } from '../../../src/session';
import type { ExampleOutput } from '../shared/example';

const now = () => Math.floor(Date.now() / 1000);

/** The SessionStore API the seed's example walks through: every method is async here. */
export async function walkThroughSessions(out: ExampleOutput): Promise<void> {
  out.step('A1. Save and load (sessions are keyed by provider and user id)');
  const store: SessionStore = new MemorySessionStore();
  await store.save(
    new SessionData({
      userId: 'user123',
      provider: 'google',
      accessToken: 'ya29.example-access-token',
      refreshToken: '1//example-refresh-token',
      expiresAt: now() + 3600,
      scopes: ['openid', 'email', 'profile'],
      userInfo: { email: 'user@example.com', name: 'John Doe' },
    }),
  );
  const loaded = (await store.load('user123', 'google'))!;
  out.line(`  loaded ${loaded.userId} (${loaded.provider}), email ${String(loaded.userInfo.email)}, scopes ${loaded.scopes.join(' ')}`);
  out.line(`  console.log(session) hides its tokens: ${inspect(loaded).includes('example-access-token') ? 'no!' : "accessToken: '[redacted]'"}`);

  out.step('A2. Expiry: isExpired(), needsRefresh(bufferSeconds = 300), cleanupExpired()');
  const soon = new SessionData({ userId: 'user456', provider: 'google', accessToken: 'token-expires-soon', expiresAt: now() + 120 });
  out.line(`  expires in 2 min: expired=${soon.isExpired()} needsRefresh()=${soon.needsRefresh()} needsRefresh(60)=${soon.needsRefresh(60)}`);
  await store.save(soon);
  await store.save(new SessionData({ userId: 'user789', provider: 'google', accessToken: 'token-expired', expiresAt: now() - 10 }));
  out.line(`  cleanupExpired() removed ${await store.cleanupExpired()}; users left: ${(await store.listUsers()).sort().join(', ')}`);

  out.step('A3. A refresh: updateTokens() swaps the tokens atomically; the old token no longer finds the session');
  const updated = await store.updateTokens('user123', { accessToken: 'ya29.new-access-token', refreshToken: '1//new-refresh-token', expiresIn: 3600 }, 'google');
  out.line(`  expires in ${updated.expiresAt! - now()} s; found by the old token: ${(await store.findByAccessToken('ya29.example-access-token')) !== null}`);

  out.step('A4. Your own data in metadata');
  await store.save(new SessionData({ userId: 'poweruser', provider: 'github', accessToken: 'token-with-metadata', metadata: { subscription: 'premium', preferences: { theme: 'dark' } } }));
  const power = (await store.load('poweruser'))!;
  out.line(`  subscription ${String(power.metadata.subscription)}, theme ${String((power.metadata.preferences as { theme: string }).theme)}`);

  out.step('A5. FileSessionStore: another instance (a restart) reads the same sessions');
  const directory = await mkdtemp(join(tmpdir(), 'nextmcp-sessions-'));
  try {
    const files = new FileSessionStore(directory);
    for (const i of [0, 1, 2]) await files.save(new SessionData({ userId: `file_user_${i}`, provider: 'google', accessToken: `file-token-${i}` }));
    const reopened = new FileSessionStore(directory);
    out.line(`  a second instance lists ${(await reopened.listUsers()).length} users (files are 0600, named by hashes, written atomically)`);
    out.line(`  clearAll() removed ${await reopened.clearAll()}`);
    await Promise.all([files.close(), reopened.close()]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }

  out.step('A6. Monitoring: active, expiring soon, expired');
  for (const userId of (await store.listUsers()).sort()) {
    for (const provider of ['github', 'google']) {
      const session = await store.load(userId, provider);
      if (!session) continue;
      const state = session.isExpired() ? 'expired' : session.needsRefresh() ? 'expiring soon' : 'active';
      out.line(`  ${provider}/${userId}: ${state}`);
    }
  }
  await store.close();
}
