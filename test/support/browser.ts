import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); `npx playwright install` is not used here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const REQUIRED = process.env.NEXTMCP_REQUIRE_BROWSER === '1';

/**
 * `describe` for suites that drive a real browser. Without chromium the suite is skipped with a
 * printed notice, unless `NEXTMCP_REQUIRE_BROWSER=1` (CI), where it fails.
 */
export function describeWithBrowser(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, suite);
  } else if (REQUIRED) {
    describe(name, () => {
      it('has a browser', () => {
        throw new Error(`${CHROMIUM_PATH} is missing and NEXTMCP_REQUIRE_BROWSER=1 (install it with apt-get install -y chromium)`);
      });
    });
  } else {
    console.warn(`[nextmcp tests] ${CHROMIUM_PATH} is missing: skipping "${name}" (set NEXTMCP_REQUIRE_BROWSER=1 to fail instead)`);
    describe.skip(name, suite);
  }
}

/** A headless chromium with a fresh profile, closed (and its profile removed) by `close()`. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'nextmcp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
