import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromLks92 } from '../../client/src/lib/map/coordinates.js';
import { rootDir } from '../../server/src/config.js';
import { describeWhen, hasChromium } from '../helpers/requirements.js';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { addUser, municipalityId } from '../helpers/users.js';
import { freshPage, launchBrowser, screenshot } from './browser.js';
import { ensureClientBuildShared } from './clientBuildLock.js';
import { countChanged } from './pixels.js';

/**
 * Parks as polygons in LKS-92 (EPSG:3059, [easting, northing]) inside the test municipality, with
 * Latvian names and owners; `extra` adds one more park for the second version.
 */
function parks(extra = false): Buffer {
  const square = (e: number, n: number, size = 250) => [[[e, n], [e + size, n], [e + size, n + size], [e, n + size], [e, n]]];
  const features = [
    { Nosaukums: 'Ābeļu skvērs', Īpašnieks: 'Mārupes novada pašvaldība', Platība: 6.25, e: 501500, n: 302300 },
    { Nosaukums: 'Ķīšezera pļava', Īpašnieks: 'Ģertrūde Ļaudona', Platība: 6.25, e: 501900, n: 302600 },
    { Nosaukums: 'Žagaru ūdensmala', Īpašnieks: 'Čiekuru biedrība', Platība: 6.25, e: 502200, n: 302900 },
    ...(extra ? [{ Nosaukums: 'Šķūņu laukums', Īpašnieks: 'Ņina Ūdre', Platība: 6.25, e: 501500, n: 302900 }] : []),
  ].map(({ e, n, ...properties }) => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: square(e, n) } }));
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3059' } }, features }));
}

async function idle(page: Page) {
  await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 20_000 });
  await page.evaluate(() => window.__gis!.idle());
}

const mapCanvas = (page: Page) => page.locator('canvas.maplibregl-canvas').screenshot();

/** Picks a file in the Data page's file input, as a user choosing it in the dialog would. */
async function pickFile(page: Page, name: string, buffer: Buffer) {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
}

describeWhen(hasChromium(), 'e2e: Data page and sign-in in Chromium', 'no /usr/bin/chromium (apt-get install chromium)', () => {
  let browser: Browser;
  let work: string;
  const env: NodeJS.ProcessEnv = { AUTH_RATE_LIMIT: '100' };

  beforeAll(async () => {
    await ensureClientBuildShared();
    browser = await launchBrowser();
    work = await mkdtemp(path.join(tmpdir(), 'gis-e2e-data-'));
    // No WMS: the plain offline basemap, so the map's pixels are the data's.
    await writeFile(path.join(work, 'wms-sources.json'), JSON.stringify({ sources: [] }));
    env.WMS_SOURCES_FILE = path.join(work, 'wms-sources.json');
    env.WMS_CACHE_DIR = path.join(work, 'wms-cache');
    env.UPLOAD_DIR = path.join(work, 'uploads');
  });

  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describeEachDatabase(
    'data page',
    (ctx: () => TestApp) => {
      let page: Page;
      const errors: string[] = [];
      let editor: { email: string; password: string };
      let layerId = '';
      const title = `Parki ar garumzīmēm ${Math.random().toString(36).slice(2, 7)}`;

      beforeAll(async () => {
        const { app } = ctx();
        editor = await addUser(app, { role: 'editor', municipality: await municipalityId(app, 'testa'), label: 'editor' });
        page = await freshPage(browser, errors);
      });
      afterAll(async () => {
        await page?.close();
      });

      it('asks anonymous visitors to sign in as an editor before they can upload', async () => {
        await page.goto(`${ctx().url}/#/data`);
        await page.getByTestId('upload-sign-in').waitFor();
        expect(await page.getByTestId('dropzone').count()).toBe(0);
        expect(await page.getByTestId('upload-sign-in').textContent()).toContain('Pierakstieties ar redaktora kontu');
        await screenshot(page, `data-signed-out-${ctx().kind}`);
      });

      it('signs in from the header, unlocks the restricted layer for an editor, and refuses a wrong password', async () => {
        await page.getByTestId('nav-map').click();
        await idle(page);
        const sites = page.locator('[data-layer-id="testa-accommodation-sites"]');
        expect(await sites.getByRole('img', { name: 'Pieejams pilnvarotām lomām' }).count()).toBe(1);

        await page.getByTestId('sign-in-open').click();
        const form = page.getByTestId('sign-in-form');
        await form.getByLabel('E-pasts').fill(editor.email);
        await form.getByLabel('Parole').fill('not the password');
        await form.getByRole('button', { name: 'Pieslēgties' }).click();
        await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toBe('Nepareizs e-pasts vai parole.');
        await screenshot(page, `sign-in-form-${ctx().kind}`);

        await form.getByLabel('Parole').fill(editor.password);
        await form.getByRole('button', { name: 'Pieslēgties' }).click();
        const who = page.getByTestId('account-user');
        await who.waitFor();
        expect(await who.textContent()).toMatch(/Test User\s*ĢIS speciālists/);
        // The catalog is read again: the accommodation sites are now a layer the editor can turn on.
        await sites.getByRole('checkbox').waitFor();
        expect(await sites.getByRole('img', { name: 'Pieejams pilnvarotām lomām' }).count()).toBe(0);
        await screenshot(page, `signed-in-${ctx().kind}`);
      });

      it('shows the lockout in the server’s words after repeated wrong passwords', async () => {
        const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        try {
          const victim = await addUser(ctx().app, { label: 'locked' });
          await other.goto(ctx().url);
          await other.getByTestId('sign-in-open').click();
          const form = other.getByTestId('sign-in-form');
          await form.getByLabel('E-pasts').fill(victim.email);
          for (let i = 0; i < 5; i++) {
            const answered = other.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
            await form.getByLabel('Parole').fill(`wrong ${i}`);
            await form.getByRole('button', { name: 'Pieslēgties' }).click();
            await answered;
          }
          await expect.poll(() => other.getByTestId('sign-in-error').textContent()).toContain('Too many failed sign-ins with this email');
        } finally {
          await other.close();
        }
      });

      it('uploads a GeoJSON with Latvian text and previews its format, count, CRS and fields', async () => {
        await page.getByTestId('nav-data').click();
        await page.getByTestId('data-page').waitFor();
        expect(page.url()).toMatch(/#\/data$/);
        await pickFile(page, 'parki.geojson', parks());
        const preview = page.getByTestId('upload-preview');
        await preview.waitFor({ timeout: 20_000 });
        expect(await page.getByTestId('preview-format').textContent()).toBe('GeoJSON');
        expect(await page.getByTestId('preview-count').textContent()).toBe('3 objekti');
        expect(await page.getByTestId('preview-geometry').textContent()).toMatch(/Polygon/);
        expect(await page.getByTestId('preview-crs').inputValue()).toBe('EPSG:3059');
        const fields = page.getByTestId('preview-fields');
        expect(await fields.textContent()).toContain('nosaukums');
        expect(await fields.textContent()).toContain('„Īpašnieks”');
        expect(await fields.locator('input[type="checkbox"]').count()).toBe(3);
        // The renamed fields come back as warnings with the mapping.
        expect(await page.getByTestId('upload-warnings').textContent()).toContain('Īpašnieks');
        await screenshot(page, `data-preview-${ctx().kind}`);
      });

      it('publishes it, and "Open on the map" shows the new layer drawn on the canvas', async () => {
        // The owner's name is personal data: not kept.
        await page.getByTestId('preview-fields').locator('input[data-field="ipasnieks"]').uncheck();
        await page.getByTestId('publish').click();
        await expect.poll(() => page.getByRole('alert').allTextContents()).toContain('Ievadiet nosaukumu latviski.');
        await page.getByTestId('title-lv').fill(title);
        await page.getByTestId('title-en').fill('Parks');
        await page.getByTestId('publish').click();
        await page.getByTestId('publish-done').waitFor({ timeout: 30_000 });
        await screenshot(page, `data-published-${ctx().kind}`);
        const datasets = (await page.evaluate(() => fetch('/api/datasets').then((r) => r.json()))).datasets as { layerId: string; title: { lv: string } }[];
        layerId = datasets.find((d) => d.title.lv === title)!.layerId;
        expect(layerId).toBeTruthy();
        const catalog = (await (await fetch(`${ctx().url}/api/layers`)).json()).layers as { id: string; fields: { name: string }[] }[];
        expect(catalog.find((l) => l.id === layerId)!.fields.map((f) => f.name)).not.toContain('ipasnieks');
        await page.getByTestId('datasets').locator(`[data-dataset="${layerId}"]`).waitFor();

        await page.getByTestId('open-on-map').click();
        await page.getByTestId('data-page').waitFor({ state: 'detached' });
        const toggle = page.getByRole('checkbox', { name: new RegExp(title) });
        await expect.poll(() => toggle.isChecked()).toBe(true);
        await idle(page);
        // The map moved to the layer and wrote a permalink with it.
        await expect.poll(() => page.evaluate(() => location.hash)).toContain(layerId);
        const centre = fromLks92(302600, 501900);
        const distance = await page.evaluate((c) => window.__map!.getCenter().distanceTo({ lng: c[0], lat: c[1] } as never), centre);
        expect(distance).toBeLessThan(1000);
        const shown = await mapCanvas(page);
        await toggle.uncheck();
        await idle(page);
        const hidden = await mapCanvas(page);
        expect(countChanged(shown, hidden)).toBeGreaterThan(5_000);
        await toggle.check();
        await idle(page);
        await screenshot(page, `data-layer-on-map-${ctx().kind}`);
      });

      it('re-uploads it as a new version of the same layer and restores the previous one', async () => {
        await page.getByTestId('nav-data').click();
        await pickFile(page, 'parki_v2.geojson', parks(true));
        await page.getByTestId('upload-preview').waitFor({ timeout: 20_000 });
        expect(await page.getByTestId('preview-count').textContent()).toBe('4 objekti');
        await page.getByTestId('replace-layer').selectOption(layerId);
        expect(await page.getByTestId('title-lv').inputValue()).toBe(title);
        await page.getByTestId('publish').click();
        await page.getByTestId('publish-done').waitFor({ timeout: 30_000 });

        const item = page.getByTestId('datasets').locator(`[data-dataset="${layerId}"]`);
        await expect.poll(() => item.locator('[data-version]').count()).toBe(2);
        expect(await item.locator('[data-version="2"]').textContent()).toContain('pašreizējā');
        // How much space the layer's history takes, in Latvian number format.
        expect(await item.getByTestId('dataset-history').textContent()).toMatch(/^Vēsture: 2 versijas, \d+(,\d)? (KB|MB)$/);
        // As the signed-in editor: a new dataset's count is for the municipality's signed-in roles only.
        const layer = async () => ((await (await page.request.get(`${ctx().url}/api/layers/${layerId}`)).json()) as { featureCount: number }).featureCount;
        expect(await layer()).toBe(4);

        await item.locator('[data-version="1"]').getByTestId('restore-version').click();
        await expect.poll(() => page.getByTestId('datasets-message').textContent()).toContain('atjaunota 1. versija');
        await expect.poll(() => item.locator('[data-version="1"]').textContent()).toContain('pašreizējā');
        expect(await layer()).toBe(3);
      });

      it('keeps a new dataset from anonymous visitors until the editor switches it public', async () => {
        const item = page.getByTestId('datasets').locator(`[data-dataset="${layerId}"]`);
        const anonymous = async () => (await fetch(`${ctx().url}/ogc/collections/${layerId}/items`)).status;
        expect(await item.getByTestId('dataset-visibility').textContent()).toContain('tikai pašvaldības lietotāji');
        expect(await item.getByTestId('dataset-public').isChecked()).toBe(false);
        expect(await anonymous()).toBe(403);
        await item.getByTestId('dataset-public').check();
        await expect.poll(() => page.getByTestId('datasets-message').textContent()).toContain('tagad ir publisks');
        await expect.poll(() => item.getByTestId('dataset-visibility').textContent()).toContain('Redz ikviens');
        expect(await anonymous()).toBe(200);
        await screenshot(page, `data-dataset-public-${ctx().kind}`);
      });

      it('says in Latvian why the server cannot read a file, and refuses other files at once', async () => {
        await page.getByTestId('upload-another').click();
        await pickFile(page, 'bojats.geojson', Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'));
        const job = page.getByTestId('upload-job');
        await expect.poll(() => job.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
        // The editor's own session reads the job list (it is not public).
        const uploads = (await page.evaluate(() => fetch('/api/uploads').then((r) => r.json()))).uploads as { fileName: string; errors: { code: string; params: { detail: string; line: number; column: number } }[] }[];
        const [summary, error] = uploads.find((u) => u.fileName === 'bojats.geojson')!.errors;
        expect([summary.code, error.code]).toEqual(['file.invalidGeoJson', 'geojson.notJsonAt']);
        // The text ends in the middle of its only line.
        expect(error.params).toMatchObject({ line: 1, column: 70 });
        // Worded in the page's language, with where the parser stopped and its own detail.
        expect(await page.getByTestId('upload-errors').textContent()).toContain(`Datne nav derīgs JSON 1. rindā, 70. kolonnā: ${error.params.detail}.`);
        await screenshot(page, `data-bad-file-${ctx().kind}`);

        await page.getByTestId('upload-another').click();
        await pickFile(page, 'piezimes.docx', Buffer.from('not a GIS file'));
        await expect.poll(() => page.getByTestId('upload-error').textContent()).toContain('„piezimes.docx” nevar nolasīt');
      });

      it('shows real byte progress on a slow line, and asks for a CRS when the file has none', async () => {
        // 2 000 points in LKS-92 metres with no "crs" member: GeoJSON would mean WGS-84, which cannot be.
        const points = Array.from({ length: 2000 }, (_, i) => ({
          type: 'Feature',
          properties: { Nosaukums: `Punkts Nr. ${i} — ūdens ņēmums`, Numurs: i },
          geometry: { type: 'Point', coordinates: [501000 + (i % 50) * 20, 302000 + Math.floor(i / 50) * 20] },
        }));
        const file = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: points }));
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: file.length / 3 });
        try {
          // The refused .docx left the drop zone open.
          await pickFile(page, 'punkti_bez_crs.geojson', file);
          const bar = page.getByTestId('upload-sending').getByRole('progressbar');
          await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
          const midway = Number(await bar.getAttribute('aria-valuenow'));
          expect(midway).toBeLessThan(100);
          await screenshot(page, `data-upload-progress-${ctx().kind}`);
        } finally {
          await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
          await cdp.detach();
        }
        await page.getByTestId('upload-preview').waitFor({ timeout: 30_000 });
        await page.getByTestId('crs-problem').waitFor();
        expect(await page.getByTestId('preview-crs').inputValue()).toBe('');
        expect(await page.getByTestId('preview-crs').locator('option').allTextContents()).toEqual(
          expect.arrayContaining([expect.stringMatching(/EPSG:3059 .*ieteicams/), expect.stringContaining('EPSG:25884'), expect.stringContaining('EPSG:4326'), expect.stringContaining('EPSG:3857'), expect.stringContaining('EPSG:3035')]),
        );
        await page.getByTestId('title-lv').fill('Punkti');
        await page.getByTestId('publish').click();
        await expect.poll(() => page.getByRole('alert').allTextContents()).toContain('Izvēlieties koordinātu sistēmu.');
        await page.getByTestId('preview-crs').selectOption('EPSG:3059');
        await screenshot(page, `data-crs-choice-${ctx().kind}`);
      });

      it('publishes both shapefiles of one zip from the one upload, one after the other', async () => {
        await page.getByTestId('upload-another').click();
        await pickFile(page, 'latvija_1257.zip', readFileSync(path.join(rootDir, 'tests/fixtures/uploads/latvija_1257.zip')));
        await page.getByTestId('upload-preview').waitFor({ timeout: 20_000 });
        const suffix = Math.random().toString(36).slice(2, 7);
        await page.getByTestId('title-lv').fill(`Pirmais slānis ${suffix}`);
        await page.getByTestId('publish').click();
        await page.getByTestId('publish-done').waitFor({ timeout: 30_000 });
        await page.getByTestId('publish-another').click();
        // The published layer is marked and cannot be chosen again; the next one is chosen.
        await expect.poll(() => page.getByTestId('layer-published').count()).toBe(1);
        expect(await page.locator('input[name="upload-layer"]:checked').isDisabled()).toBe(false);
        await page.getByTestId('title-lv').fill(`Otrais slānis ${suffix}`);
        await screenshot(page, `data-next-layer-${ctx().kind}`);
        await page.getByTestId('publish').click();
        await page.getByTestId('publish-done').waitFor({ timeout: 30_000 });
        expect(await page.getByTestId('publish-another').count()).toBe(0);
        const titles = (await page.evaluate(() => fetch('/api/datasets').then((r) => r.json()))).datasets.map((d: { title: { lv: string } }) => d.title.lv);
        expect(titles).toEqual(expect.arrayContaining([`Pirmais slānis ${suffix}`, `Otrais slānis ${suffix}`]));
      });

      it('deletes a dataset after confirmation, and it leaves the catalog', async () => {
        const item = page.getByTestId('datasets').locator(`[data-dataset="${layerId}"]`);
        await item.getByTestId('delete-dataset').click();
        expect(await item.getByRole('alertdialog').textContent()).toContain('To nevar atsaukt');
        await item.getByTestId('confirm-delete').click();
        await item.waitFor({ state: 'detached' });
        const catalog = (await (await fetch(`${ctx().url}/api/layers`)).json()).layers as { id: string }[];
        expect(catalog.some((l) => l.id === layerId)).toBe(false);
      });

      it('signs out, and the restricted layer is locked again', async () => {
        await page.getByTestId('nav-map').click();
        await page.getByTestId('sign-out').click();
        await page.getByTestId('sign-in-open').waitFor();
        const sites = page.locator('[data-layer-id="testa-accommodation-sites"]');
        await sites.getByRole('img', { name: 'Pieejams pilnvarotām lomām' }).waitFor();
        expect(await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status))).toBe(401);
        expect(errors).toEqual([]);
      });

      it('keeps the Data page usable at 375 px', async () => {
        const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
        try {
          // Signed in as the editor in the phone's own browser context.
          const login = await phone.request.post(`${ctx().url}/api/auth/login`, { data: { email: editor.email, password: editor.password } });
          expect(login.status()).toBe(200);
          await phone.goto(`${ctx().url}/#/data`);
          await phone.getByTestId('dropzone').waitFor();
          await phone.getByTestId('file-input').setInputFiles({ name: 'parki.geojson', mimeType: 'application/geo+json', buffer: parks() });
          await phone.getByTestId('upload-preview').waitFor({ timeout: 20_000 });
          await screenshot(phone, `mobile-data-${ctx().kind}`);
          const box = (await phone.getByTestId('publish-form').boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(375);
          expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
          expect(await phone.evaluate(() => document.querySelector('[data-testid="data-page"]')!.scrollWidth)).toBeLessThanOrEqual(375);
        } finally {
          await phone.close();
        }
      });
    },
    { listen: true, env },
  );
});
