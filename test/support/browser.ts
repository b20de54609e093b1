import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`), which the browser tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests save their screenshots (git-ignored). */
export const ARTIFACTS_DIR = 'test-artifacts';

/** A headless chromium with a fresh profile, and the pages it opened. */
export interface TestBrowser {
  context: BrowserContext;
  /** Opens a page of `width` x `height` that records its console errors and warnings and its page errors. */
  page(width?: number, height?: number): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches chromium headless without sandbox, GPU, network side traffic or first-run steps, on a
 * fresh profile (Playwright passes it as `--user-data-dir`), in the time zone of New York so that
 * a chart that shows local time instead of UTC is caught.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'btc-stream-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timezoneId: 'America/New_York',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async page(width = 1920, height = 1200) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      const problems: string[] = [];
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      return { page, problems };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
