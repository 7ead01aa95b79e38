import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureClientBuild } from '../../scripts/lib/clientBuild.js';
import { describeEachDatabase } from '../helpers/testApp.js';
import { describeWhen, hasChromium } from '../helpers/requirements.js';
import { launchBrowser, screenshot } from './browser.js';

describeWhen(hasChromium(), 'e2e: home page in Chromium', 'no /usr/bin/chromium (apt-get install chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describeEachDatabase(
    'home',
    (ctx) => {
      it('shows the layer catalog in Latvian', async () => {
        const page = await browser.newPage();
        await page.goto(ctx().url);
        await page.getByText('Kanalizācijas pieslēgumi').waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('lv');
        await screenshot(page, `home-${ctx().kind}`);
        await page.close();
      });
    },
    { listen: true },
  );
});
