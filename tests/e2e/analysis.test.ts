import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { addUser, municipalityId } from '../helpers/users.js';
import { describeInChromium, freshPage, screenshot } from './browser.js';
import { countColour } from './pixels.js';

/** The temporary result layer's colour (AnalysisTools.svelte). */
const magenta: [number, number, number] = [0xe7, 0x29, 0x8a];

describeInChromium('analysis tools', (browser) => {
  describeEachDatabase(
    'analysis',
    (ctx: () => TestApp) => {
      const errors: string[] = [];
      let page: Page;

      beforeAll(async () => {
        page = await freshPage(browser(), errors);
      });
      afterAll(async () => {
        await page?.close();
      });

      /** Waits for the map, opens the analysis panel and chooses the tool and its two layers. */
      async function openTool(tool: string, layer: string, other: string) {
        await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 20_000 });
        await page.evaluate(() => window.__gis!.idle());
        await page.getByTestId('analysis-open').click();
        const panel = page.getByTestId('analysis-panel');
        await panel.getByTestId('analysis-tool').selectOption(tool);
        await panel.getByTestId('analysis-layer').selectOption(layer);
        await panel.getByTestId('analysis-other').selectOption(other);
        return panel;
      }

      it('a planner buffers the sewer mains by 100 m and the map zooms to the buffer drawn on it, then clears it', async () => {
        await page.goto(ctx().url);
        const panel = await openTool('within-distance', 'testa-addresses', 'testa-sewer-mains');
        await panel.getByTestId('analysis-distance').fill('100');
        await panel.getByLabel('Rādīt buferzonu').check();
        await panel.getByTestId('analysis-run').click();
        const summary = panel.getByTestId('analysis-summary');
        await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toContain('Buferzonas platība');
        // The map is on the result by itself: the buffer fills much of it.
        await page.evaluate(() => window.__gis!.idle());
        const zoom = await page.evaluate(() => window.__map!.getZoom());
        expect(zoom).toBeGreaterThan(12);
        const shown = countColour(await page.locator('canvas.maplibregl-canvas').screenshot(), magenta, 40);
        await screenshot(page, `analysis-buffer-${ctx().kind}`);
        expect(shown).toBeGreaterThan(500);

        await panel.getByTestId('analysis-clear').click();
        await page.evaluate(() => window.__gis!.idle());
        const cleared = countColour(await page.locator('canvas.maplibregl-canvas').screenshot(), magenta, 40);
        expect(cleared).toBeLessThan(shown / 10);
        expect(errors).toEqual([]);
      });

      it('an editor counts only applications per village and saves the answer as a layer of the catalog', async () => {
        const { app, url } = ctx();
        const editor = await addUser(app, { role: 'editor', municipality: await municipalityId(app, 'testa'), label: 'analyst' });
        const login = await page.request.post(`${url}/api/auth/login`, { data: { email: editor.email, password: editor.password } });
        expect(login.status()).toBe(200);
        await page.reload();
        const panel = await openTool('aggregate', 'testa-sewer-connections', 'testa-villages');
        // The fixture has one connection in each status; only the one that has applied is counted.
        await panel.getByTestId('analysis-where-field').selectOption('status');
        await panel.getByTestId('analysis-where-value').selectOption('applied');
        await panel.getByTestId('analysis-run').click();
        const summary = panel.getByTestId('analysis-summary');
        await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toContain('Kopā: 1');
        expect(await panel.getByTestId('analysis-filter').textContent()).toBe('Tikai Statuss: Iesniegts pieteikums');

        const title = `Pieteikumi pa ciemiem ${Date.now()}`;
        await panel.getByTestId('analysis-save-title').fill(title);
        await panel.getByTestId('analysis-save').click();
        await expect.poll(() => panel.getByTestId('analysis-saved').textContent(), { timeout: 15_000 }).toContain(title);
        const catalog = (await (await page.request.get(`${url}/api/layers`)).json()) as { layers: { id: string; title: { lv: string } }[] };
        const saved = catalog.layers.find((l) => l.title.lv === title);
        expect(saved).toBeDefined();
        // In the layer panel, switched on.
        await expect.poll(() => page.getByTestId('layer-panel').getByText(title).count()).toBeGreaterThan(0);
        await panel.getByTestId('analysis-clear').click();
        await page.evaluate(() => window.__gis!.idle());
        await screenshot(page, `analysis-saved-${ctx().kind}`);
        expect(errors).toEqual([]);
      });
    },
    { listen: true },
  );
});
