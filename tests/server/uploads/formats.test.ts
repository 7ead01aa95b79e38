import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { publishAsEditor, uploadAsEditor } from '../../helpers/uploads.js';
import { editorHeaders } from '../../helpers/users.js';

const dir = path.join(rootDir, 'tests/fixtures/uploads/formats');

const asEditor = (app: FastifyInstance) => editorHeaders(app);

interface Job {
  id: string;
  status: string;
  format: string;
  layers: { name: string; geometryType: string | null; featureCount: number; crs: string | null; crsProblem?: string }[];
  errors: { message: string }[];
  layerId?: string;
}

const upload = (app: FastifyInstance, file: string) => uploadAsEditor<Job>(app, path.join(dir, file));

async function publish(app: FastifyInstance, job: Job, body: object): Promise<{ layerId: string; names: string[] }> {
  const done = await publishAsEditor<Job>(app, job.id, body);
  expect(done.status, JSON.stringify(done.errors)).toBe('done');
  const items = (await app.inject({ url: `/ogc/collections/${done.layerId}/items?limit=100`, headers: await editorHeaders(app) })).json();
  // Every feature landed in the municipality (Mārupe area: 23.9–24.2 E, 56.8–57.0 N).
  for (const f of items.features) {
    const [lon, lat] = f.geometry.type === 'Point' ? f.geometry.coordinates : f.geometry.coordinates[0][0] ?? f.geometry.coordinates[0];
    expect(lon).toBeGreaterThan(23.9);
    expect(lon).toBeLessThan(24.2);
    expect(lat).toBeGreaterThan(56.8);
    expect(lat).toBeLessThan(57.0);
  }
  const names = items.features.map((f: { properties: Record<string, unknown> }) => String(f.properties.name ?? f.properties.nosaukums ?? ''));
  return { layerId: done.layerId!, names };
}

describeEachDatabase(
  'upload formats beyond Shapefile, GeoPackage and GeoJSON',
  (ctx) => {
    it('imports GPX waypoints with their Latvian names', async () => {
      const { app } = ctx();
      const job = await upload(app, 'punkti.gpx');
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      const waypoints = job.layers.find((l) => l.name === 'waypoints')!;
      expect(waypoints).toMatchObject({ geometryType: 'Point', featureCount: 3, crs: 'EPSG:4326' });
      const { names } = await publish(app, job, { layer: 'waypoints', title: { lv: 'GPX punkti' } });
      expect(names).toContain('Šosejas krustojums — ūdens ņēmums');
    });

    it('asks for the CRS of a DXF drawing and imports its lines in LKS-92', async () => {
      const { app } = ctx();
      const job = await upload(app, 'liknes.dxf');
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers[0]).toMatchObject({ geometryType: expect.stringMatching(/LineString/), featureCount: 2 });
      const refused = await app.inject({ method: 'POST', url: `/api/uploads/${job.id}/publish`, headers: await asEditor(app), payload: { title: { lv: 'DXF' } } });
      expect(refused.statusCode).toBe(400);
      await publish(app, job, { title: { lv: 'DXF līnijas' }, crs: 'EPSG:3059' });
    });

    it('imports a zipped MapInfo TAB in Windows-1257 with the text intact', async () => {
      const { app } = ctx();
      const job = await upload(app, 'objekti_tab.zip');
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers[0]).toMatchObject({ geometryType: 'Point', featureCount: 3, crs: 'EPSG:3059' });
      const { names } = await publish(app, job, { title: { lv: 'MapInfo objekti' } });
      expect(names).toEqual(expect.arrayContaining(['Ābeļu iela 1', 'Ķekavas pietura', 'Šosejas krustojums — ūdens ņēmums']));
    });

    it('places the rows of an XLSX and a CSV by their X/Y (LKS-92) or lon/lat columns', async () => {
      const { app } = ctx();
      for (const file of ['punkti.xlsx', 'punkti_lks92.csv']) {
        const job = await upload(app, file);
        expect(job.status, `${file}: ${JSON.stringify(job.errors)}`).toBe('ready');
        expect(job.layers[0], file).toMatchObject({ geometryType: 'Point', featureCount: 3 });
        const { names } = await publish(app, job, { title: { lv: `Tabula ${file}` }, crs: 'EPSG:3059' });
        expect(names, file).toContain('Ķekavas pietura');
      }
      const wgs = await upload(app, 'punkti_wgs84.csv');
      expect(wgs.status, JSON.stringify(wgs.errors)).toBe('ready');
      expect(wgs.layers[0]).toMatchObject({ geometryType: 'Point', featureCount: 2 });
      await publish(app, wgs, { title: { lv: 'CSV ar lon/lat' }, crs: 'EPSG:4326' });
    });

    it('reads a CSV saved by Excel on a Latvian Windows: Windows-1257, semicolons, decimal commas', async () => {
      const { app } = ctx();
      const job = await upload(app, 'punkti_excel_1257.csv');
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers[0]).toMatchObject({ geometryType: 'Point', featureCount: 3, encoding: 'Windows-1257' });
      const { layerId, names } = await publish(app, job, { title: { lv: 'Excel punkti' }, crs: 'EPSG:3059' });
      expect(names).toEqual(expect.arrayContaining(['Ābeļu iela 1', 'Ķekavas pietura', 'Šosejas krustojums — ūdens ņēmums']));
      const items = (await app.inject({ url: `/ogc/collections/${layerId}/items?limit=10&crs=http://www.opengis.net/def/crs/EPSG/0/3059`, headers: await editorHeaders(app) })).json();
      const abelu = items.features.find((f: { properties: { nosaukums: string } }) => f.properties.nosaukums === 'Ābeļu iela 1');
      // The decimal commas were read as decimals: 501890,5 is the easting (LKS-92 axis order: northing first).
      expect(abelu.geometry.coordinates).toEqual([305480.25, 501890.5]);
      expect(abelu.properties.platiba).toBe(12.5);
    });

    it('reads a shapefile in Windows-1251 (Cyrillic) without a .cpg', async () => {
      const { app } = ctx();
      const job = await upload(app, 'punkti_1251.zip');
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.layers[0]).toMatchObject({ featureCount: 3, encoding: 'Windows-1251', crs: 'EPSG:3059' });
      const { layerId } = await publish(app, job, { title: { lv: 'Palīdzības punkti' } });
      const items = (await app.inject({ url: `/ogc/collections/${layerId}/items`, headers: await asEditor(app) })).json();
      expect(items.features.map((f: { properties: { nazva: string } }) => f.properties.nazva)).toEqual(
        expect.arrayContaining(['Пункт видачі допомоги', 'Їжа та одяг для родин', 'Консультації українською']),
      );
    });

    it('imports a KMZ', async () => {
      const { app } = ctx();
      const job = await upload(app, 'punkti.kmz');
      expect(job.status, JSON.stringify(job.errors)).toBe('ready');
      expect(job.format).toBe('KMZ');
      expect(job.layers[0]).toMatchObject({ geometryType: 'Point', featureCount: 3 });
      const { names } = await publish(app, job, { title: { lv: 'KMZ punkti' } });
      expect(names).toContain('Ābeļu iela 1');
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
