import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { publishAsEditor, uploadAsEditor } from '../../helpers/uploads.js';
import { editorHeaders } from '../../helpers/users.js';

const KEEP = 3;
const small = path.join(rootDir, 'tests/fixtures/uploads/punkti_lks92.geojson');
const scratch = mkdtempSync(path.join(tmpdir(), 'dataset-versions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A GeoJSON of 4 000 points with a long attribute: a version whose table is clearly larger than the fixture's. */
function largeFile(): string {
  const file = path.join(scratch, 'liels.geojson');
  const features = Array.from({ length: 4000 }, (_, i) => ({
    type: 'Feature',
    properties: { nr: i, apraksts: `Punkts ${i} `.repeat(12) },
    geometry: { type: 'Point', coordinates: [500000 + (i % 100) * 10, 300000 + Math.floor(i / 100) * 10] },
  }));
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3059' } }, features }));
  return file;
}

interface Job {
  id: string;
  status: string;
  errors: { message: string }[];
  layerId?: string;
}
interface DatasetView {
  layerId: string;
  currentVersion: number;
  versions: { version: number }[];
  historyBytes: number;
}

async function publishFile(app: FastifyInstance, file: string, body: object): Promise<Job> {
  const job = await uploadAsEditor<Job>(app, file);
  expect(job.status, JSON.stringify(job.errors)).toBe('ready');
  return publishAsEditor<Job>(app, job.id, body);
}

async function dataset(app: FastifyInstance, layerId: string): Promise<DatasetView> {
  const res = await app.inject({ url: '/api/datasets', headers: await editorHeaders(app) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().datasets.find((d: DatasetView) => d.layerId === layerId);
}

/** The version tables of a layer that exist in the database, by version number. */
async function versionTables(app: FastifyInstance, layerId: string): Promise<number[]> {
  const prefix = `upl_${layerId.replace(/^upload-/, '').replace(/-/g, '_')}_v`;
  const { rows } = await app.pg.pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND starts_with(tablename, $1)`, [prefix]);
  return rows.map((r) => Number(r.tablename.slice(prefix.length))).sort((a, b) => a - b);
}

describeEachDatabase(
  'dataset version history',
  (ctx) => {
    it(`keeps only the newest ${KEEP} versions of a layer replaced ${KEEP + 3} times, dropping the older tables`, async () => {
      const { app } = ctx();
      const first = await publishFile(app, largeFile(), { title: { lv: 'Vēsture' } });
      expect(first.status, JSON.stringify(first.errors)).toBe('done');
      const layerId = first.layerId!;
      const sizes: number[] = [(await dataset(app, layerId)).historyBytes];
      for (let n = 0; n < KEEP + 3; n++) {
        const done = await publishFile(app, small, { title: { lv: 'Vēsture' }, replaceLayerId: layerId });
        expect(done.status, JSON.stringify(done.errors)).toBe('done');
        sizes.push((await dataset(app, layerId)).historyBytes);
      }
      const view = await dataset(app, layerId);
      expect(view.currentVersion).toBe(KEEP + 4);
      expect(view.versions.map((v) => v.version)).toEqual([7, 6, 5]);
      expect(await versionTables(app, layerId)).toEqual([5, 6, 7]);
      const { rows } = await app.pg.pool.query('SELECT version FROM dataset_version WHERE layer_id = $1 ORDER BY version', [layerId]);
      expect(rows.map((r) => r.version)).toEqual([5, 6, 7]);

      // The size is plausible: it grows while versions are added, and falls when the large first version is pruned.
      expect(sizes[0]).toBeGreaterThan(100_000);
      expect(sizes[1]).toBeGreaterThan(sizes[0]);
      expect(sizes[KEEP]).toBeLessThan(sizes[KEEP - 1]);
      expect(sizes[KEEP]).toBeLessThan(sizes[0]);
      expect(view.historyBytes).toBeGreaterThan(0);

      // Only what is kept can be restored.
      const gone = await app.inject({ method: 'POST', url: `/api/datasets/${layerId}/restore`, headers: await editorHeaders(app), payload: { version: 2 } });
      expect(gone.statusCode).toBe(404);
      const kept = await app.inject({ method: 'POST', url: `/api/datasets/${layerId}/restore`, headers: await editorHeaders(app), payload: { version: 5 } });
      expect(kept.statusCode, kept.body).toBe(200);
      expect(kept.json()).toMatchObject({ currentVersion: 5 });

      // The audit log says which versions each replacement removed.
      const { rows: audit } = await app.pg.pool.query(
        `SELECT details->'pruned'->'versions' AS pruned FROM audit_log WHERE layer_id = $1 AND action = 'dataset.replace' ORDER BY id`,
        [layerId],
      );
      expect(audit.map((a) => a.pruned)).toEqual([null, null, [1], [2], [3], [4]]);
    });

    it('keeps the current version when an older one was restored and a new one is published', async () => {
      const { app } = ctx();
      const first = await publishFile(app, small, { title: { lv: 'Atjaunotā' } });
      const layerId = first.layerId!;
      for (let n = 0; n < KEEP - 1; n++) await publishFile(app, small, { title: { lv: 'Atjaunotā' }, replaceLayerId: layerId });
      const restored = await app.inject({ method: 'POST', url: `/api/datasets/${layerId}/restore`, headers: await editorHeaders(app), payload: { version: 1 } });
      expect(restored.statusCode, restored.body).toBe(200);
      await publishFile(app, small, { title: { lv: 'Atjaunotā' }, replaceLayerId: layerId });
      expect((await dataset(app, layerId)).versions.map((v) => v.version)).toEqual([4, 3, 2]);
      expect(await versionTables(app, layerId)).toEqual([2, 3, 4]);
    });

    it('prunes in the publish transaction: a failed replacement leaves every old version and table in place', async () => {
      const { app } = ctx();
      const first = await publishFile(app, small, { title: { lv: 'Neskartā' } });
      const layerId = first.layerId!;
      for (let n = 0; n < KEEP - 1; n++) await publishFile(app, small, { title: { lv: 'Neskartā' }, replaceLayerId: layerId });
      expect(await versionTables(app, layerId)).toEqual([1, 2, 3]);
      const waiting = await uploadAsEditor<Job>(app, small);
      app.uploads.hooks.beforeCommit = async () => {
        // By now the oldest version was pruned inside the transaction; the failure must bring it back.
        throw new Error('injected failure');
      };
      try {
        const failed = await publishAsEditor<Job>(app, waiting.id, { title: { lv: 'Neskartā' }, replaceLayerId: layerId });
        expect(failed.status).toBe('failed');
      } finally {
        delete app.uploads.hooks.beforeCommit;
      }
      expect((await dataset(app, layerId)).versions.map((v) => v.version)).toEqual([3, 2, 1]);
      expect(await versionTables(app, layerId)).toEqual([1, 2, 3]);
    });
  },
  { env: { DATASET_KEEP_VERSIONS: String(KEEP), AUTH_RATE_LIMIT: '1000' } },
);
