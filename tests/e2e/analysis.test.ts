import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWhen, hasChromium } from '../helpers/requirements.js';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { freshPage, launchBrowser, screenshot } from './browser.js';
import { ensureClientBuildShared } from './clientBuildLock.js';
import { countColour } from './pixels.js';

/** The temporary result layer's colour (AnalysisTools.svelte). */
const magenta: [number, number, number] = [0xe7, 0x29, 0x8a];

describeWhen(hasChromium(), 'e2e: analysis tools in Chromium', 'no /usr/bin/chromium (apt-get install chromium)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await ensureClientBuildShared();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describeEachDatabase(
    'analysis',
    (ctx: () => TestApp) => {
      const errors: string[] = [];
      let page: Page;

      beforeAll(async () => {
        page = await freshPage(browser, errors);
      });
      afterAll(async () => {
        await page?.close();
      });

      it('a planner buffers the sewer mains by 100 m and sees the buffer drawn on the map, then clears it', async () => {
        await page.goto(ctx().url);
        await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 20_000 });
        await page.evaluate(() => window.__gis!.idle());
        await page.getByTestId('analysis-open').click();
        const panel = page.getByTestId('analysis-panel');
        await panel.getByTestId('analysis-tool').selectOption('within-distance');
        await panel.getByTestId('analysis-layer').selectOption('testa-addresses');
        await panel.getByTestId('analysis-other').selectOption('testa-sewer-mains');
        await panel.getByTestId('analysis-distance').fill('100');
        await panel.getByLabel('Rādīt buferzonu').check();
        await panel.getByTestId('analysis-run').click();
        const summary = panel.getByTestId('analysis-summary');
        await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toContain('Buferzonas platība');

        // Frame the buffer: the same result through the API gives its extent.
        const res = await page.request.post(`${ctx().url}/api/analysis/within-distance`, {
          data: { layer: 'testa-addresses', of: 'testa-sewer-mains', distance: 100, output: 'buffer' },
        });
        const ring = (await res.json()).features.features[0].geometry.coordinates.flat(2) as number[];
        const lons = ring.filter((_, i) => i % 2 === 0);
        const lats = ring.filter((_, i) => i % 2 === 1);
        await page.evaluate(
          (b) => window.__map!.fitBounds(b as [number, number, number, number], { padding: 80, animate: false }),
          [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
        );
        await page.evaluate(() => window.__gis!.idle());
        const shown = countColour(await page.locator('canvas.maplibregl-canvas').screenshot(), magenta, 40);
        await screenshot(page, `analysis-buffer-${ctx().kind}`);
        expect(shown).toBeGreaterThan(500);

        await panel.getByTestId('analysis-clear').click();
        await page.evaluate(() => window.__gis!.idle());
        const cleared = countColour(await page.locator('canvas.maplibregl-canvas').screenshot(), magenta, 40);
        expect(cleared).toBeLessThan(shown / 10);
        expect(errors).toEqual([]);
      });
    },
    { listen: true },
  );
});
