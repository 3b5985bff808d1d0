// Test support: Debian's Chromium for browser tests, launched headless by
// playwright-core with a fresh profile in a temp dir (the launch conventions
// of test/chat-ui.browser.test.ts). A test file checks HAVE_CHROMIUM and
// skips itself with a warning when it is missing (never passes silently);
// close() ends the browser and removes the profile.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
// Without these flags a headless Chromium on a machine with no network keeps
// trying to reach Google services and floods the log with refused connections.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The warning a skipped browser test prints. */
export function warnChromiumMissing(testName: string, what: string): void {
  console.warn(`${testName}: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium); ${what} was not tested in a browser`);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions of the page's scripts, as `Name: message`. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 860 }): Promise<BrowserSession> {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'taskyard-chromium-'));
  try {
    // launchPersistentContext is how Playwright takes our own fresh --user-data-dir.
    const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
    return {
      context,
      page,
      pageErrors,
      close: async () => {
        await context.close();
        rmSync(profileDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profileDir, { recursive: true, force: true });
    throw err;
  }
}
