import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromLks92 } from '../../client/src/lib/map/coordinates.js';
import { startMapServer, type MapServerHarness } from '../helpers/mapserver.js';
import { describeWhen, hasChromium, hasCommand } from '../helpers/requirements.js';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { freshPage, launchBrowser, screenshot, screenshotDir } from './browser.js';
import { ensureClientBuildShared } from './clientBuildLock.js';
import { countChanged, countColour, countNonBackground, distinctColours } from './pixels.js';

const haveMapServer = hasCommand('mapserv') && hasCommand('gdal_translate');
/** The plain offline background (`offlineBasemap.background` on the server): #f3f1ec. */
const plain: [number, number, number] = [0xf3, 0xf1, 0xec];
/** The fixture's "connected" sewer connection (status i = 5) in EPSG:3059. */
const connected3059 = { x: 301100, y: 501500 };

/** Opens the explorer and waits until the map has drawn everything it asked for. */
async function openExplorer(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 20_000 });
  await idle(page);
}

/** Waits for a frame in which MapLibre has nothing left to load or animate. */
async function idle(page: Page) {
  await page.evaluate(() => window.__gis!.idle());
}

const mapCanvas = (page: Page) => page.locator('canvas.maplibregl-canvas').screenshot();

describeWhen(hasChromium(), 'e2e: map explorer in Chromium', 'no /usr/bin/chromium (apt-get install chromium)', () => {
  let browser: Browser;
  let work: string;
  let mapserver: MapServerHarness | undefined;
  // Filled in beforeAll, read when each database's server starts.
  const env: NodeJS.ProcessEnv = {};
  const firstIdle: number[] = [];

  beforeAll(async () => {
    await ensureClientBuildShared();
    browser = await launchBrowser();
    work = await mkdtemp(path.join(tmpdir(), 'gis-e2e-'));
    // Basemaps from a real local WMS (MapServer) standing in for LVM GEO; none when it is not installed.
    const sources = [];
    if (haveMapServer) {
      mapserver = await startMapServer();
      sources.push({
        id: 'local',
        title: { lv: 'Testa WMS', en: 'Test WMS', uk: 'Тестовий WMS' },
        url: mapserver.urls.ortho,
        version: '1.3.0',
        format: 'image/png',
        attribution: '© Testa ortofoto',
        layers: [
          { name: 'ortho', title: { lv: 'Ortofotokarte', en: 'Orthophoto', uk: 'Ортофотоплан' }, kind: 'orthophoto' },
          { name: 'topo_a', title: { lv: 'Topogrāfiskā karte', en: 'Topographic map', uk: 'Топографічна карта' }, kind: 'topographic' },
        ],
      });
      // An upstream that refuses connections: the proxy answers with placeholders.
      sources.push({
        id: 'down',
        title: { lv: 'Nestrādājošs WMS', en: 'Broken WMS', uk: 'Несправний WMS' },
        url: 'http://127.0.0.1:9/ows',
        version: '1.3.0',
        format: 'image/png',
        attribution: '© nekas',
        layers: [{ name: 'gone', title: { lv: 'Pazudusi karte', en: 'Gone map', uk: 'Зникла карта' }, kind: 'other' }],
      });
    } else {
      console.log('e2e WMS basemap checks skipped: mapserv or gdal_translate is not installed (apt-get install cgi-mapserver gdal-bin)');
    }
    await writeFile(path.join(work, 'wms-sources.json'), JSON.stringify({ sources }));
    env.WMS_SOURCES_FILE = path.join(work, 'wms-sources.json');
    env.WMS_CACHE_DIR = path.join(work, 'wms-cache');
    env.WMS_TIMEOUT_MS = '4000';
  });

  afterAll(async () => {
    await browser?.close();
    await mapserver?.close();
    if (work) await rm(work, { recursive: true, force: true });
    if (firstIdle.length) console.log(`time to first idle map (ms since navigation): ${firstIdle.map((n) => Math.round(n)).join(', ')}`);
  });

  describeEachDatabase(
    'explorer',
    (ctx: () => TestApp) => {
      let page: Page;
      const errors: string[] = [];
      const hasRoute = (url: string) => ctx().app.hasRoute({ method: 'GET', url });

      beforeAll(async () => {
        page = await freshPage(browser, errors);
      });
      afterAll(async () => {
        await page?.close();
      });

      it('opens on the municipality with the working layers drawn on the canvas', async () => {
        await openExplorer(page, ctx().url);
        expect(await page.locator('html').getAttribute('lang')).toBe('lv');
        await page.getByText('Kanalizācijas pieslēgumi').first().waitFor();
        const zoom = await page.evaluate(() => window.__map!.getZoom());
        expect(zoom).toBeGreaterThan(10);
        const firstIdleMs = await page.evaluate(() => window.__gis!.firstIdleMs);
        expect(firstIdleMs).not.toBeNull();
        firstIdle.push(firstIdleMs!);
        const pixels = await mapCanvas(page);
        expect(countNonBackground(pixels, plain)).toBeGreaterThan(5_000);
        await screenshot(page, `desktop-map-${ctx().kind}`);
        expect(errors).toEqual([]);
      });

      it('draws the orthophoto from the WMS proxy and switches to the plain basemap', async ({ skip }) => {
        if (!mapserver) skip();
        expect(await page.locator('[data-basemap-kind="orthophoto"]').getAttribute('aria-pressed')).toBe('true');
        const ortho = await mapCanvas(page);
        // The generated orthophoto is a gradient with a checkerboard: hundreds of colours.
        expect(distinctColours(ortho)).toBeGreaterThan(300);
        expect(mapserver!.getMapCount('ortho')).toBeGreaterThan(0);
        await expect.poll(() => page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('Testa ortofoto');

        await page.locator('[data-basemap-kind="plain"]').click();
        await idle(page);
        const offline = await mapCanvas(page);
        expect(distinctColours(offline)).toBeLessThan(distinctColours(ortho));
        // The parish outlines (#4a4a4a) are drawn on the plain background.
        expect(countColour(offline, [0x4a, 0x4a, 0x4a], 30)).toBeGreaterThan(200);
        expect(countColour(offline, plain, 6)).toBeGreaterThan(100_000);
        await screenshot(page, `offline-basemap-${ctx().kind}`);
      });

      it('falls back to the plain basemap with a notice when a WMS does not answer', async ({ skip }) => {
        if (!mapserver) skip();
        // click, not check: the app may switch back to the offline basemap before check() could
        // confirm the new state, and that switch is what this test expects.
        await page.getByRole('radio', { name: /Pazudusi karte/ }).click();
        await page.getByTestId('notice').filter({ hasText: 'Pazudusi karte' }).waitFor();
        await expect.poll(() => page.getByRole('radio', { name: /Bez fona kartes/ }).isChecked()).toBe(true);
        await page.getByRole('radio', { name: /Ortofotokarte/ }).check();
        await page.getByRole('radio', { name: /Bez fona kartes/ }).check();
      });

      it('lists restricted layers locked, without a toggle', async () => {
        const item = page.locator('[data-layer-id="testa-accommodation-sites"]');
        expect(await item.getByRole('checkbox').count()).toBe(0);
        expect(await item.getByRole('img', { name: 'Pieejams pilnvarotām lomām' }).count()).toBe(1);
        expect(await page.evaluate(() => !!window.__map!.getLayer('data:testa-accommodation-sites'))).toBe(false);
        await item.scrollIntoViewIfNeeded();
        await item.locator('..').screenshot({ path: path.join(screenshotDir, `locked-layer-${ctx().kind}.png`) });
      });

      it('turns a layer off and on, and the pixels follow', async () => {
        const centre = fromLks92(301800, 502600);
        await page.evaluate((centre) => window.__map!.jumpTo({ center: centre, zoom: 14 }), centre);
        await idle(page);
        const before = await mapCanvas(page);
        const toggle = page.getByRole('checkbox', { name: /Kanalizācijas vadi/ });
        await expect.poll(() => toggle.isChecked()).toBe(true);
        await toggle.uncheck();
        await idle(page);
        const without = await mapCanvas(page);
        expect(countChanged(before, without)).toBeGreaterThan(300);
        await toggle.check();
        await idle(page);
        expect(countChanged(before, await mapCanvas(page))).toBeLessThan(50);
      });

      it('identifies the feature under the cursor with labelled, formatted attributes', async () => {
        const [lon, lat] = fromLks92(connected3059.x, connected3059.y);
        await page.evaluate(([lon, lat]) => window.__map!.jumpTo({ center: [lon, lat], zoom: 17 }), [lon, lat]);
        await idle(page);
        const point = await page.evaluate(([lon, lat]) => window.__map!.project([lon, lat]), [lon, lat]);
        const box = (await page.locator('canvas.maplibregl-canvas').boundingBox())!;
        await page.mouse.click(box.x + point.x, box.y + point.y);
        const popup = page.getByTestId('identify-popup');
        await popup.waitFor();
        await expect.poll(() => popup.locator('[data-field="status"]').first().textContent()).toBe('Pieslēgts');
        expect(await popup.locator('[data-field="cadastre_designation"]').first().textContent()).toBe('8076 004 0005');
        expect(await popup.textContent()).toContain('Kadastra apzīmējums');
        // The readout shows the cursor in LKS-92 as x (N) / y (E): the fixture point, to a metre or two.
        const readout = (await page.getByTestId('coordinates').textContent()) ?? '';
        const [, x, y] = /x (\d+) \(N\) \/ y (\d+) \(E\)/.exec(readout) ?? [];
        expect(Math.abs(Number(x) - connected3059.x)).toBeLessThanOrEqual(2);
        expect(Math.abs(Number(y) - connected3059.y)).toBeLessThanOrEqual(2);
        await idle(page);
        await screenshot(page, `identify-popup-${ctx().kind}`);
        await page.locator('.maplibregl-popup-close-button').click();
      });

      it('restores the view, basemap and layers from a permalink', async () => {
        const link = `${ctx().url}/#map=15.5/56.8771/24.0250&base=none&layers=testa-sewer-mains,testa-parishes`;
        await page.goto('about:blank');
        await openExplorer(page, link);
        const view = await page.evaluate(() => ({ zoom: window.__map!.getZoom(), ...window.__map!.getCenter() }));
        expect(view.zoom).toBeCloseTo(15.5, 5);
        expect(view.lat).toBeCloseTo(56.8771, 4);
        expect(view.lng).toBeCloseTo(24.025, 4);
        expect(await page.getByRole('checkbox', { name: /Kanalizācijas vadi/ }).isChecked()).toBe(true);
        expect(await page.getByRole('checkbox', { name: /Kanalizācijas pieslēgumi/ }).isChecked()).toBe(false);
        expect(await page.locator('[data-basemap-kind="plain"]').getAttribute('aria-pressed')).toBe('true');
        // Moving the map rewrites the hash in place.
        await page.evaluate(() => window.__map!.jumpTo({ center: [24.03, 56.88], zoom: 14 }));
        await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#map=14\/56\.88\d*\/24\.03\d*&base=none&layers=/);
      });

      it('ignores a malformed permalink with a notice instead of failing', async () => {
        errors.length = 0;
        await page.goto('about:blank');
        await openExplorer(page, `${ctx().url}/#map=99/abc/<script>&layers=%E0%A4%A`);
        await page.getByTestId('notice').filter({ hasText: 'Saite ir bojāta' }).waitFor();
        expect(await page.evaluate(() => window.__map!.getZoom())).toBeLessThan(16);
        expect(errors).toEqual([]);
      });

      it('measures a distance', async () => {
        await page.evaluate(() => window.__map!.jumpTo({ center: [24.02, 56.88], zoom: 15 }));
        await idle(page);
        await page.getByTestId('measure-distance').click();
        const box = (await page.locator('canvas.maplibregl-canvas').boundingBox())!;
        const a = { x: box.x + 300, y: box.y + 300 };
        const b = { x: box.x + 600, y: box.y + 300 };
        await page.mouse.click(a.x, a.y);
        await page.mouse.dblclick(b.x, b.y);
        const expected = await page.evaluate(
          ([a, b]) => {
            const m = window.__map!;
            return m.unproject([a.x, a.y]).distanceTo(m.unproject([b.x, b.y]));
          },
          [
            { x: 300, y: 300 },
            { x: 600, y: 300 },
          ],
        );
        const text = (await page.getByTestId('measure-result').textContent()) ?? '';
        const shown = Number(/Garums: ([\d\s,]+) m/.exec(text)?.[1].replace(/\s/g, '').replace(',', '.'));
        expect(Math.abs(shown - expected)).toBeLessThan(expected * 0.01);
        await page.getByRole('button', { name: 'Notīrīt mērījumu' }).click();
        await expect.poll(() => page.getByTestId('measure-result').count()).toBe(0);
      });

      it('switches the language from Latvian to English and Ukrainian, and remembers it', async () => {
        await page.locator('[data-locale="en"]').click();
        await page.getByText('Sewer connections').first().waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        expect(await page.getByTestId('search-input').getAttribute('placeholder')).toBe('Search an address, cadastre designation or coordinates');
        expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('Zoom in');
        await page.locator('[data-locale="uk"]').click();
        await page.getByText('Підключення до каналізації').first().waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('uk');
        expect(await page.getByRole('heading', { name: 'Шари' }).count()).toBe(1);
        expect(await page.evaluate(() => localStorage.getItem('gis.locale'))).toBe('uk');
        await screenshot(page, `language-uk-${ctx().kind}`);
        // MapLibre's own controls follow the language too.
        expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('Наблизити');
        await page.locator('[data-locale="lv"]').click();
        await page.getByRole('heading', { name: 'Slāņi' }).waitFor();
      });

      it('filters the attribute table with a structured condition', async ({ skip }) => {
        if (!hasRoute('/api/layers/:layerId/features')) skip();
        await page.getByRole('checkbox', { name: /Kanalizācijas pieslēgumi/ }).check();
        const item = page.locator('[data-layer-id="testa-sewer-connections"]');
        await item.getByRole('button', { name: 'Apzīmējumi' }).click();
        await item.getByRole('button', { name: 'Atribūtu tabula' }).click();
        const table = page.getByTestId('attribute-table');
        await expect.poll(() => table.locator('tbody tr').count()).toBe(6);
        // Header clicks sort on the server: ascending, then descending.
        const firstCadastre = () => table.locator('tbody tr').first().locator('td[data-field="cadastre_designation"]').textContent();
        await table.getByRole('button', { name: /Kadastra apzīmējums/ }).click();
        await expect.poll(firstCadastre).toBe('8076 004 0001');
        await table.getByRole('button', { name: /Kadastra apzīmējums/ }).click();
        await expect.poll(firstCadastre).toBe('8076 004 0006');
        await table.getByTestId('filter-field').selectOption('status');
        await table.getByTestId('filter-op').selectOption('eq');
        await table.getByTestId('filter-value').selectOption('connected');
        await table.getByTestId('filter-add').click();
        await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
        expect(await table.locator('tbody tr td[data-field="status"]').textContent()).toBe('Pieslēgts');
        expect(await table.getByTestId('table-count').textContent()).toBe('1 objekts');
        expect(await table.getByTestId('export-csv').getAttribute('href')).toContain('filter=');
        await table.locator('tbody tr').first().click();
        await expect.poll(() => page.evaluate(() => window.__map!.getZoom())).toBeGreaterThan(15);
        await idle(page);
        await screenshot(page, `attribute-table-${ctx().kind}`);
      });

      it('finds an address with and without diacritics and flies there', async ({ skip }) => {
        if (!hasRoute('/api/search')) skip();
        const input = page.getByTestId('search-input');
        for (const q of ['Mārupes iela 3', 'marupes iela 3']) {
          // Wait for this query's own answer, not the list still showing the previous one.
          const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/search' && new URL(r.url()).searchParams.get('q') === q);
          await input.fill(q);
          expect((await answered).status()).toBe(200);
          const results = page.getByTestId('search-results');
          await expect.poll(() => results.textContent()).toContain('Mārupes iela 3, Jaunciems');
        }
        await page.getByTestId('search-results').getByRole('button', { name: /Mārupes iela 3, Jaunciems/ }).first().click();
        await page.getByTestId('search-marker').waitFor();
        await expect.poll(() => page.evaluate(() => window.__map!.getZoom())).toBeGreaterThan(16);
        expect(await page.getByTestId('search-results').count()).toBe(0);
        await idle(page);
        await screenshot(page, `search-${ctx().kind}`);

        // SQL and regex characters are only text; a short cadastre number gets the server's hint.
        for (const [q, expected] of [
          ["'; DROP TABLE address; --.*[(", 'Nekas netika atrasts'],
          ['8076004000', '11, 14 or 17 digits'],
        ]) {
          const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/search' && new URL(r.url()).searchParams.get('q') === q);
          await input.fill(q);
          await answered;
          await expect.poll(() => page.getByTestId('search-results').textContent()).toContain(expected);
        }
        await page.getByRole('button', { name: 'Notīrīt meklēšanu' }).click();
        expect(errors).toEqual([]);
      });

      it('keeps the map usable at 375 px with the panel in a drawer', async () => {
        const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
        try {
          await openExplorer(phone, ctx().url);
          const drawer = phone.getByTestId('layer-panel');
          const closed = (await drawer.boundingBox())!;
          expect(closed.x + closed.width).toBeLessThanOrEqual(0);
          const canvas = (await phone.locator('canvas.maplibregl-canvas').boundingBox())!;
          expect(canvas.width).toBe(375);
          expect(canvas.height).toBeGreaterThan(500);
          await screenshot(phone, `mobile-map-${ctx().kind}`);
          await phone.getByTestId('drawer-toggle').click();
          await expect.poll(async () => (await drawer.boundingBox())!.x).toBe(0);
          await phone.getByRole('checkbox', { name: /Kanalizācijas pieslēgumi/ }).waitFor();
          await screenshot(phone, `mobile-drawer-${ctx().kind}`);
          // The attribute table opens under the map and scrolls inside itself.
          const item = phone.locator('[data-layer-id="testa-sewer-connections"]');
          await item.getByRole('button', { name: 'Apzīmējumi' }).click();
          await item.getByRole('button', { name: 'Atribūtu tabula' }).click();
          await expect.poll(async () => {
            const box = (await drawer.boundingBox())!;
            return box.x + box.width;
          }).toBeLessThanOrEqual(0);
          const table = phone.getByTestId('attribute-table');
          await expect.poll(() => table.locator('tbody tr').count()).toBe(6);
          const tableBox = (await table.boundingBox())!;
          expect(tableBox.x).toBeGreaterThanOrEqual(0);
          expect(tableBox.x + tableBox.width).toBeLessThanOrEqual(375);
          expect((await phone.locator('canvas.maplibregl-canvas').boundingBox())!.height).toBeGreaterThan(200);
          await screenshot(phone, `mobile-table-${ctx().kind}`);
          // The page never scrolls sideways.
          expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        } finally {
          await phone.close();
        }
      });
    },
    { listen: true, env },
  );
});
