import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export { CHROMIUM_PATH, HeadlessChromium } from '../../../deploy/local/headless-chromium';

/** A full-page screenshot in a temporary directory of its own; returns where it went. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-screenshots-'));
  const file = join(dir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Waits until the element's text matches (Playwright auto-waiting); on timeout the error names
 * what the page showed instead.
 */
export async function waitForText(locator: Locator, expected: RegExp, timeoutMs = 30000): Promise<void> {
  try {
    await locator.filter({ hasText: expected }).first().waitFor({ timeout: timeoutMs });
  } catch {
    const shown = await locator.allTextContents().catch(() => []);
    throw new Error(`${locator.toString()}: expected text ${expected}, the page shows ${JSON.stringify(shown)}`);
  }
}
