import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { readCatalogFile } from '../../../server/src/wms/sourceCatalog.js';
import { startTestApp, type TestApp } from '../../helpers/testApp.js';

const fakeKey = 'lgia-subscription-0042';

describe('GET /api/basemaps with the shipped catalog', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp('embedded', { env: { LGIA_WMS_KEY: fakeKey, WMS_CACHE_DIR: path.join(tmpdir(), 'gis-wms-unused') } });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('lists LVM GEO and LĢIA basemaps with proxy tile URLs, attribution and kinds, and opens on the orthophoto', async () => {
    const res = await ctx.app.inject('/api/basemaps');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const lvm = body.sources.find((s: any) => s.id === 'lvm-geo');
    expect(lvm).toMatchObject({ origin: 'catalog', keyRequired: false, available: true, attribution: expect.stringContaining('LVM GEO') });
    const orto = lvm.layers.find((l: any) => l.name === 'public:Orto_LKS');
    expect(orto).toMatchObject({ kind: 'orthophoto', minZoom: 0, maxZoom: 20, title: { lv: 'Ortofotokarte', en: 'Orthophoto' } });
    expect(orto.tiles).toEqual(['http://localhost:80/wms/lvm-geo/public%3AOrto_LKS/{z}/{x}/{y}.png']);
    expect(lvm.layers.map((l: any) => l.kind)).toEqual(['orthophoto', 'topographic', 'topographic']);
    expect(body.default).toEqual({ sourceId: 'lvm-geo', layer: 'public:Orto_LKS' });
    expect(body.fallback).toMatchObject({ id: 'none', kind: 'plain', title: { lv: 'Bez fona kartes' } });
  });

  it('marks LĢIA sources usable when their key is configured, without sending the key, its variable or any upstream URL', async () => {
    const res = await ctx.app.inject('/api/basemaps');
    const lgia = res.json().sources.filter((s: any) => s.id.startsWith('lgia-'));
    expect(lgia.length).toBe(2);
    for (const source of lgia) expect(source).toMatchObject({ keyRequired: true, available: true });
    for (const secret of [fakeKey, 'LGIA_WMS_KEY', 'keyParam', 'lvmgeoserver.lvm.lv', 'lgia.gov.lv', 'https://']) {
      expect(res.body).not.toContain(secret);
    }
  });
});

describe('the WMS source catalog file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gis-wms-catalog-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ships LVM GEO (keyless) and LĢIA entries that read their key from LGIA_WMS_KEY', async () => {
    const sources = await readCatalogFile(path.join(rootDir, 'data/wms-sources.json'));
    expect(sources.map((s) => s.id)).toEqual(['lvm-geo', 'lgia-ortofoto', 'lgia-topo']);
    expect(sources[0]).toMatchObject({ url: 'https://lvmgeoserver.lvm.lv/geoserver/ows', version: '1.3.0' });
    expect(sources[0].keyEnv).toBeUndefined();
    expect(sources.slice(1).every((s) => s.keyEnv === 'LGIA_WMS_KEY')).toBe(true);
  });

  it('stops the start with the file and the problem named when an entry is wrong', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ sources: [{ id: 'x', title: { lv: 'X' }, url: 'file:///etc/passwd', version: '1.3.0', format: 'image/png', attribution: '', layers: [] }] }));
    await expect(readCatalogFile(file)).rejects.toThrow(new RegExp(`${file} is not valid: /sources/0/url`));
    await writeFile(file, '{ "sources": [');
    await expect(readCatalogFile(file)).rejects.toThrow(`reading the WMS source catalog ${file}`);
  });
});
