import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromLks92 } from '../../client/src/lib/map/coordinates.js';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { addUser, municipalityId, type TestUser } from '../helpers/users.js';
import { describeInChromium, freshPage, screenshot } from './browser.js';
import { countNonBackground } from './pixels.js';

/** The fixture's sewer connections lie on a row at northing 301100; i = 4 is "construction", i = 6 "refused". */
const construction3059 = { x: 301100, y: 501400 };
const refused3059 = { x: 301100, y: 501600 };
const plain: [number, number, number] = [0xf3, 0xf1, 0xec];

async function signInPage(page: Page, url: string, user: TestUser) {
  const login = await page.request.post(`${url}/api/auth/login`, { data: { email: user.email, password: user.password } });
  expect(login.status()).toBe(200);
  await page.goto(url);
  await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 20_000 });
  await page.evaluate(() => window.__gis!.idle());
}

/** Clicks the sewer connection at an LKS-92 point and opens its workflow panel from the popup. */
async function openConnection(page: Page, at: { x: number; y: number }) {
  const [lon, lat] = fromLks92(at.x, at.y);
  await page.evaluate(([lon, lat]) => window.__map!.jumpTo({ center: [lon, lat], zoom: 18 }), [lon, lat]);
  await page.evaluate(() => window.__gis!.idle());
  const point = await page.evaluate(([lon, lat]) => window.__map!.project([lon, lat]), [lon, lat]);
  const box = (await page.locator('canvas.maplibregl-canvas').boundingBox())!;
  await page.mouse.click(box.x + point.x, box.y + point.y);
  const popup = page.getByTestId('identify-popup');
  await popup.waitFor();
  const section = popup.locator('section', { hasText: 'Kanalizācijas pieslēgumi' });
  await section.getByTestId('identify-workflow').click();
  const panel = page.getByTestId('workflow-panel');
  await panel.getByTestId('workflow-status').waitFor();
  // The panel takes the popup's place rather than covering it.
  expect(await popup.count()).toBe(0);
  return panel;
}

describeInChromium('workflows', (browser) => {
  describeEachDatabase(
    'workflows',
    (ctx: () => TestApp) => {
      const errors: string[] = [];
      let editor: TestUser;
      let colleague: TestUser;
      let first: Page;
      let second: Page;

      beforeAll(async () => {
        const { app } = ctx();
        const testa = await municipalityId(app, 'testw');
        editor = await addUser(app, { role: 'editor', municipality: testa, label: 'wf-editor' });
        colleague = await addUser(app, { role: 'editor', municipality: testa, label: 'wf-colleague' });
        // Two browser contexts: two separate sessions.
        first = await freshPage(browser(), errors);
        second = await freshPage(browser(), errors);
      });
      afterAll(async () => {
        await first?.close();
        await second?.close();
      });

      it('an editor moves a sewer connection to "connected" and another session sees the new status', async () => {
        await signInPage(first, ctx().url, editor);
        const panel = await openConnection(first, construction3059);
        expect(await panel.getByTestId('workflow-status').textContent()).toBe('Būvniecība');
        await panel.getByRole('radio', { name: 'Pieslēgts' }).check();
        await panel.getByTestId('workflow-move').click();
        await expect.poll(() => panel.getByTestId('workflow-status').textContent()).toBe('Pieslēgts');
        await expect.poll(() => panel.getByTestId('workflow-history').textContent()).toContain('Statuss mainīts');
        await screenshot(first, `workflow-panel-${ctx().kind}`);

        await signInPage(second, ctx().url, colleague);
        const other = await openConnection(second, construction3059);
        expect(await other.getByTestId('workflow-status').textContent()).toBe('Pieslēgts');
        expect(errors).toEqual([]);
      });

      it('a stale save shows who changed the record and lets the user reload', async () => {
        // Both sessions open the same refused connection; the second saves first.
        const mine = await openConnection(first, refused3059);
        const theirs = await openConnection(second, refused3059);
        await theirs.getByRole('radio', { name: 'Iesniegts pieteikums' }).check();
        await theirs.getByTestId('workflow-move').click();
        await expect.poll(() => theirs.getByTestId('workflow-status').textContent()).toBe('Iesniegts pieteikums');

        // The first session still shows "refused" and tries the same step on its old version.
        await mine.getByRole('radio', { name: 'Iesniegts pieteikums' }).check();
        await mine.getByTestId('workflow-move').click();
        const conflict = mine.getByTestId('workflow-conflict');
        await conflict.waitFor();
        expect(await conflict.textContent()).toContain('Test User');
        await screenshot(first, `workflow-conflict-${ctx().kind}`);
        await conflict.getByRole('button', { name: 'Ielādēt jaunāko' }).click();
        await expect.poll(() => mine.getByTestId('workflow-status').textContent()).toBe('Iesniegts pieteikums');
      });

      it('an editor draws a new connection, is asked for the required address, saves it and undoes it', async () => {
        first.setDefaultTimeout(8_000);
        await first.getByTestId('workflow-panel').getByRole('button', { name: 'Aizvērt' }).click();
        const editorBox = first.getByTestId('map-editor');
        await editorBox.getByTestId('edit-start').click();
        await editorBox.locator('select').selectOption({ label: 'Kanalizācijas pieslēgumi' });
        await editorBox.getByTestId('edit-draw').click();
        // An empty spot 30 m north of the fixture's row of connections, on screen at zoom 18.
        const [lon, lat] = fromLks92(301130, 501450);
        await first.evaluate(([lon, lat]) => window.__map!.jumpTo({ center: [lon, lat], zoom: 18 }), [lon, lat]);
        await first.evaluate(() => window.__gis!.idle());
        const point = await first.evaluate(([lon, lat]) => window.__map!.project([lon, lat]), [lon, lat]);
        const box = (await first.locator('canvas.maplibregl-canvas').boundingBox())!;
        await first.mouse.click(box.x + point.x, box.y + point.y);
        const form = first.getByTestId('edit-attributes');
        await form.waitFor();
        await form.getByRole('button', { name: 'Saglabāt' }).click();
        await expect.poll(() => form.textContent()).toContain('Obligāts lauks');
        await form.locator('[data-field="property_address"]').fill('Zīmētā iela 1');
        await form.locator('[data-field="cadastre_designation"]').fill('123');
        await form.getByRole('button', { name: 'Saglabāt' }).click();
        await expect.poll(() => form.textContent()).toContain('Neatbilst formātam');
        await form.locator('[data-field="cadastre_designation"]').fill('');
        await form.getByRole('button', { name: 'Saglabāt' }).click();
        const panel = first.getByTestId('workflow-panel');
        await expect.poll(() => panel.getByTestId('workflow-status').textContent()).toBe('Nav pieslēgts');
        const id = Number((await panel.locator('h2').textContent())!.replace(/\D+/g, ''));
        const url = `${ctx().url}/api/layers/testw-sewer-connections/features/${id}`;
        expect((await first.request.get(url)).status()).toBe(200);
        await screenshot(first, `workflow-drawn-${ctx().kind}`);

        await panel.getByTestId('workflow-undo').click();
        await expect.poll(async () => (await first.request.get(url)).status()).toBe(404);
      });

      it('an editor drags a connection to a new place and undoes the move', async () => {
        const notConnected3059 = { x: 301100, y: 501100 };
        const panel = await openConnection(first, notConnected3059);
        const id = Number((await panel.locator('h2').textContent())!.replace(/\D+/g, ''));
        const editorBox = first.getByTestId('map-editor');
        await editorBox.locator('select').selectOption({ label: 'Kanalizācijas pieslēgumi' });
        const url = `${ctx().url}/api/layers/testw-sewer-connections/features/${id}/editable`;
        const before = (await (await first.request.get(url)).json()).feature;
        const [lon, lat] = fromLks92(notConnected3059.x, notConnected3059.y);
        const point = await first.evaluate(([lon, lat]) => window.__map!.project([lon, lat]), [lon, lat]);
        const box = (await first.locator('canvas.maplibregl-canvas').boundingBox())!;
        const x = box.x + point.x;
        const y = box.y + point.y;
        // Select, then drag 60 px to the east.
        await first.mouse.click(x, y);
        await first.mouse.move(x, y);
        await first.mouse.down();
        for (let i = 1; i <= 6; i++) await first.mouse.move(x + i * 10, y, { steps: 2 });
        await first.mouse.up();
        await expect.poll(async () => (await (await first.request.get(url)).json()).feature.properties.version).toBe(before.properties.version + 1);
        const moved = (await (await first.request.get(url)).json()).feature;
        expect(moved.geometry.coordinates[0]).toBeGreaterThan(before.geometry.coordinates[0]);

        await first.getByTestId('workflow-undo').click();
        await expect.poll(async () => (await (await first.request.get(url)).json()).feature.geometry.coordinates).toEqual(before.geometry.coordinates);
      });

      it('lists unconnected properties near a main, nearest first, with a CSV link', async () => {
        await first.getByTestId('worklist-open').click();
        const list = first.getByTestId('worklist-panel');
        await list.locator('tbody tr').first().waitFor();
        const distances = (await list.locator('tbody td.num').allTextContents()).map(Number);
        expect(distances.length).toBeGreaterThan(0);
        expect(distances).toEqual([...distances].sort((a, b) => a - b));
        expect(distances.every((d) => d <= 50)).toBe(true);
        const csv = await first.request.get(`${ctx().url}${await list.getByTestId('worklist-csv').getAttribute('href')}`);
        expect(csv.status()).toBe(200);
        expect(csv.headers()['content-type']).toMatch(/text\/csv/);
        await screenshot(first, `worklist-${ctx().kind}`);
      });

      it('renders the public refugee help page in Ukrainian with a drawn map', async () => {
        const page = await freshPage(browser(), errors);
        try {
          await page.goto(`${ctx().url}/embed/refugee-help?m=testw`);
          await page.waitForSelector('body[data-embed-ready="true"]', { timeout: 20_000 });
          expect(await page.locator('html').getAttribute('lang')).toBe('uk');
          expect(await page.locator('h1').textContent()).toContain('Допомога');
          const pixels = await page.locator('canvas.maplibregl-canvas').screenshot();
          // Parish outlines (offline basemap) or the WMS, plus the points: not a blank background.
          expect(countNonBackground(pixels, plain)).toBeGreaterThan(2_000);
          await screenshot(page, `embed-refugee-help-${ctx().kind}`);
          await page.getByRole('button', { name: 'LV' }).click();
          expect(await page.locator('h1').textContent()).toContain('Palīdzība');
        } finally {
          await page.close();
        }
      });
    },
    // The suite changes its own copy of the fixture municipality (see fixtureMunicipality.ts).
    { listen: true, env: { DEFAULT_MUNICIPALITY: 'testw' } },
  );
});
