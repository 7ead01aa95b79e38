import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { rootDir } from '../../server/src/config.js';
import { afterAll, beforeAll } from 'vitest';
import { chromiumPath, describeWhen, hasChromium } from '../helpers/requirements.js';
import { ensureClientBuildShared } from './clientBuildLock.js';

export const screenshotDir = path.join(rootDir, 'tests/e2e/screenshots');

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

/** Saves a screenshot under tests/e2e/screenshots/ (ignored by git) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * A 1280×800 page whose uncaught errors are pushed to `errors`, and whose every visit starts with
 * empty localStorage (so in Latvian, with no remembered state; about:blank has no storage to clear).
 */
export async function freshPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.addInitScript(() => {
    if (location.protocol.startsWith('http')) localStorage.clear();
  });
  return page;
}

/**
 * An e2e suite in Chromium, or one skip line where there is none: the client is built once for
 * every e2e file, and the suite gets one browser, closed after it.
 * @example describeInChromium('dashboards', (browser) => { it('…', async () => { const page = await freshPage(browser(), []); }); });
 */
export function describeInChromium(title: string, suite: (browser: () => Browser) => void): void {
  describeWhen(hasChromium(), `e2e: ${title} in Chromium`, 'no /usr/bin/chromium (apt-get install chromium)', () => {
    let browser: Browser;
    beforeAll(async () => {
      await ensureClientBuildShared();
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });
    suite(() => browser);
  });
}
