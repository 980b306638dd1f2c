import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashToken } from '../../src/auth/token-hash';
import { SessionFileLayout } from '../../src/session/file-layout';
import { SessionRecordCodec } from '../../src/session/session-record';
import type { BenchSessions } from './bench-sessions';
import { PROVIDER } from './bench-sessions';
import { providerSlot } from '../../src/session/base-session-store';

/**
 * Writes the files `FileSessionStore.save()` would write (same layout and record encoding, from the
 * store's own modules) without its fsyncs: saving 100k sessions one by one, each fsynced twice,
 * would take minutes on this disk. The measured operations then go through the real store.
 */
export function fillFileStore(directory: string, sessions: BenchSessions): void {
  const layout = new SessionFileLayout(directory);
  const codec = new SessionRecordCodec();
  mkdirSync(layout.tokensDir, { recursive: true, mode: 0o700 });
  for (let i = 0; i < sessions.count; i++) {
    const session = sessions.session(i);
    const file = layout.sessionFile(session.userId, providerSlot(PROVIDER));
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, codec.encode(session), { mode: 0o600 });
    const pointer = layout.pointerTo(session.userId, providerSlot(PROVIDER));
    writeFileSync(layout.tokenFile(hashToken(session.accessToken)), JSON.stringify(pointer), { mode: 0o600 });
  }
}
