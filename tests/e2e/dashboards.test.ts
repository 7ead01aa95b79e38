import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasCommand } from '../helpers/requirements.js';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality } from '../helpers/users.js';
import { describeInChromium, freshPage, screenshot, screenshotDir } from './browser.js';
import { centroidWhere, countColour, countNonBackground } from './pixels.js';

describeInChromium('dashboards', (browser) => {
  describeEachDatabase(
    'dashboards page',
    (ctx: () => TestApp) => {
      let page: Page;
      const errors: string[] = [];

      beforeAll(async () => {
        page = await freshPage(browser(), errors);
      });
      afterAll(async () => {
        await page?.close();
      });

      it('draws the sewer dashboard: KPI cards and charts with real pixels', async () => {
        await page.goto(`${ctx().url}/#/dashboards/sewer`);
        const rate = page.getByTestId('kpi-sewer.connection_rate');
        await rate.waitFor();
        // The fixture municipality: 1 of 6 registered properties connected.
        await expect.poll(() => rate.locator('.value').textContent()).toBe('16,7 %');
        const chart = page.getByTestId('chart-sewer.by_settlement');
        await chart.waitFor();
        const png = await chart.screenshot();
        expect(countNonBackground(png, [255, 255, 255])).toBeGreaterThan(2000);
        expect(countColour(png, [11, 79, 138])).toBeGreaterThan(1000);
        await screenshot(page, `dashboards-sewer-${ctx().kind}`);
        expect(errors).toEqual([]);
      });

      it('filters every indicator to a village when its bar is clicked, and keeps it in the link', async () => {
        const chart = page.getByTestId('chart-sewer.by_settlement');
        const box = (await chart.boundingBox())!;
        // Settlements: the town Austrumpils (no records, no bar) then Jaunciems, the right half.
        await page.mouse.click(box.x + box.width * 0.76, box.y + box.height * 0.6);
        await expect.poll(() => page.getByTestId('unit-chip').textContent()).toContain('Jaunciems');
        expect(page.url()).toMatch(/#\/dashboards\/sewer\?unit=\d+/);
        await page.reload();
        await expect.poll(() => page.getByTestId('unit-chip').textContent()).toContain('Jaunciems');
      });

      /** The choropleth's classes are blues: blue well above red. */
      const isClassBlue = (r: number, _g: number, b: number) => b > r + 70;

      it('draws the choropleth of the connection rate by village with its legend', async () => {
        await page.getByTestId('unit-chip').getByRole('button').click();
        await expect.poll(() => page.getByTestId('unit-chip').count()).toBe(0);
        const map = page.getByTestId('map-sewer.by_settlement');
        await map.waitFor();
        await expect.poll(async () => centroidWhere(await map.screenshot(), isClassBlue)?.count ?? 0, { timeout: 15_000 }).toBeGreaterThan(500);
        const legend = page.getByTestId('legend-sewer.by_settlement');
        await expect.poll(() => legend.textContent()).toMatch(/\d+(,\d)? %/);
        expect(await legend.textContent()).toContain('Izvēlētā teritorija');
        await legend.getByTestId('class-method').selectOption('breaks');
        await screenshot(page, `dashboards-map-${ctx().kind}`);
      });

      it('filters every indicator to a village clicked on the map, and outlines it there', async () => {
        const map = page.getByTestId('map-sewer.by_settlement');
        const village = centroidWhere(await map.screenshot(), isClassBlue)!;
        const box = (await map.boundingBox())!;
        await page.mouse.click(box.x + village.x, box.y + village.y);
        await expect.poll(() => page.getByTestId('unit-chip').textContent()).toContain('Jaunciems');
        expect(page.url()).toMatch(/unit=\d+/);
        // Said on the sheet itself, so a PNG or PDF of the view says it too.
        expect(await page.getByTestId('dashboard-filters').textContent()).toBe('Tikai Jaunciems');
        // The map keeps the village in its class (the overview) and outlines it in orange.
        await expect.poll(async () => countColour(await map.screenshot(), [224, 123, 0], 30), { timeout: 10_000 }).toBeGreaterThan(100);
        expect(centroidWhere(await map.screenshot(), isClassBlue)?.count ?? 0).toBeGreaterThan(300);
      });

      it('saves the dashboard as a PNG that holds the map and the charts', async () => {
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: 'PNG' }).click();
        const file = await (await download).path();
        const png = await readFile(file);
        await writeFile(path.join(screenshotDir, `dashboards-png-${ctx().kind}.png`), png);
        expect(countColour(png, [11, 79, 138])).toBeGreaterThan(1000);
        // The map's classes (its WebGL canvas keeps its drawing buffer for this).
        expect(centroidWhere(png, isClassBlue)?.count ?? 0).toBeGreaterThan(300);
      });

      it('prints to a PDF that holds the charts', async () => {
        await page.emulateMedia({ media: 'print' });
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        await page.emulateMedia({ media: 'screen' });
        expect(pdf.length).toBeGreaterThan(10_000);
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        if (!hasCommand('pdftoppm')) {
          console.log('dashboard PDF rendering skipped: no pdftoppm (apt-get install poppler-utils)');
          return;
        }
        const dir = await mkdtemp(path.join(tmpdir(), 'dash-pdf-'));
        try {
          await writeFile(path.join(dir, 'd.pdf'), pdf);
          execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', path.join(dir, 'd.pdf'), path.join(dir, 'page')]);
          const png = await readFile(path.join(dir, 'page-1.png'));
          await writeFile(path.join(screenshotDir, `dashboards-pdf-${ctx().kind}.png`), png);
          expect(countColour(png, [11, 79, 138])).toBeGreaterThan(300);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });

      it('shows a kind refusal of the accommodation dashboard to anonymous visitors', async () => {
        await page.getByTestId('dashboard-tab-accommodation').click();
        await expect.poll(() => page.getByTestId('dashboard-error').textContent()).toMatch(/Sign in/);
        expect(await page.getByTestId('dashboard-comparison').count()).toBe(0);
      });

      it('shows an official the national comparison, their municipality first', async () => {
        const { app, url } = ctx();
        const official = await addUser(app, { role: 'official', municipality: await municipalityId(app, 'testa'), label: 'official' });
        const login = await page.request.post(`${url}/api/auth/login`, { data: { email: official.email, password: official.password } });
        expect(login.status()).toBe(200);
        // The page is already on this link: reload it so the app reads the new session.
        await page.goto(`${url}/#/dashboards/accommodation`);
        await page.reload();
        const table = page.getByTestId('dashboard-comparison');
        await table.waitFor({ timeout: 15_000 });
        const rows = table.locator('tbody tr');
        expect(await rows.count()).toBeGreaterThan(1);
        await expect.poll(() => rows.first().textContent()).toContain('Testa novads');
        expect(await rows.first().getAttribute('class')).toContain('own');
        await table.scrollIntoViewIfNeeded();
        await screenshot(page, `dashboards-comparison-${ctx().kind}`);
        expect(errors).toEqual([]);
      });

      it('lets a platform administrator choose any municipality by name, and computes its dashboard', async () => {
        const { app, url } = ctx();
        await otherMunicipality(app, 'e2e-citi');
        app.municipalities.invalidate();
        const admin = await addUser(app, { platformAdmin: true, label: 'platform' });
        const login = await page.request.post(`${url}/api/auth/login`, { data: { email: admin.email, password: admin.password } });
        expect(login.status()).toBe(200);
        await page.goto(`${url}/#/dashboards/sewer`);
        await page.reload();
        const select = page.getByTestId('municipality-select');
        await select.waitFor();
        expect(await select.locator('option', { hasText: 'Citu novads' }).count()).toBeGreaterThan(0);
        await select.selectOption('testa');
        await expect.poll(() => page.getByTestId('kpi-sewer.connection_rate').locator('.value').textContent()).toBe('16,7 %');
        // A municipality without the sewer layer: the dashboard says so instead of showing Testa's numbers.
        await select.selectOption('e2e-citi');
        await expect.poll(() => page.getByTestId('dashboard-error').textContent()).toMatch(/Citu novads has no/);
        expect(errors).toEqual([]);
      });
    },
    { listen: true },
  );
});
