import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { stagingTables } from '../../../server/src/uploads/load/directStage.js';
import { multipart } from '../../helpers/multipart.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { editorHeaders } from '../../helpers/users.js';

const file = path.join(rootDir, 'tests/fixtures/uploads/mixed/jaukti_objekti.geojson');

interface Job {
  id: string;
  status: string;
  layers: { name: string; geometryType: string | null; featureCount: number; publishedAs?: string }[];
  warnings: { message: string; layer?: string }[];
  errors: { message: string }[];
  layerId?: string;
}

async function job(app: FastifyInstance, id: string): Promise<Job> {
  return (await app.inject({ url: `/api/uploads/${id}`, headers: await editorHeaders(app) })).json();
}

describeEachDatabase(
  'uploads with mixed geometry types',
  (ctx) => {
    it('offers one layer per geometry type, names the counts, and publishes each with only its own features', async () => {
      const { app } = ctx();
      const body = multipart('jaukti_objekti.geojson', readFileSync(file));
      const res = await app.inject({ method: 'POST', url: '/api/uploads', payload: body.payload, headers: { ...body.headers, ...(await editorHeaders(app)) } });
      expect(res.statusCode, res.body).toBe(202);
      await app.uploads.idle();
      const analysed = await job(app, res.json().id);
      expect(analysed.status, JSON.stringify(analysed.errors)).toBe('ready');
      expect(analysed.layers.map((l) => [l.name, l.geometryType, l.featureCount])).toEqual([
        ['jaukti_objekti_points', 'MultiPoint', 3],
        ['jaukti_objekti_lines', 'MultiLineString', 2],
        ['jaukti_objekti_polygons', 'MultiPolygon', 1],
      ]);
      const warning = analysed.warnings.find((w) => /mixes geometry types/.test(w.message));
      expect(warning?.message).toMatch(/\(2 LINESTRING, 1 MULTIPOINT, 2 POINT, 1 POLYGON\)/);
      expect(warning?.message).toMatch(/jaukti_objekti_points \(3\), jaukti_objekti_lines \(2\), jaukti_objekti_polygons \(1\)/);

      // All three from the one upload: each publish leaves the other geometry types staged.
      const published: Record<string, string[]> = {};
      for (const [layer, title] of [['jaukti_objekti_lines', 'Līnijas'], ['jaukti_objekti_points', 'Punkti'], ['jaukti_objekti_polygons', 'Laukumi']]) {
        const pub = await app.inject({ method: 'POST', url: `/api/uploads/${analysed.id}/publish`, headers: await editorHeaders(app), payload: { layer, title: { lv: title } } });
        expect(pub.statusCode, pub.body).toBe(202);
        await app.uploads.idle();
        const done = await job(app, analysed.id);
        expect(done.status, JSON.stringify(done.errors)).toBe('done');
        expect(done.layers.find((l) => l.name === layer)?.publishedAs).toBe(done.layerId);
        const items = (await app.inject({ url: `/ogc/collections/${done.layerId}/items?limit=100`, headers: await editorHeaders(app) })).json();
        published[layer] = items.features.map((f: { geometry: { type: string }; properties: { nosaukums: string } }) => `${f.geometry.type} ${f.properties.nosaukums}`).sort();
      }
      expect(published.jaukti_objekti_lines).toEqual(['MultiLineString Grāvis', 'MultiLineString Ūdensvads']);
      expect(published.jaukti_objekti_points).toEqual(['MultiPoint Aka pie skolas', 'MultiPoint Hidrants Ķekavas ielā', 'MultiPoint Soliņi']);
      expect(published.jaukti_objekti_polygons).toHaveLength(1);
      // Once every layer is published nothing of the upload stays staged, and none publishes twice.
      expect(await stagingTables(app.pg.pool, analysed.id)).toEqual([]);
      expect((await app.pg.pool.query('SELECT count(*)::int AS n FROM upload_feature WHERE job_id = $1', [analysed.id])).rows[0].n).toBe(0);
      const twice = await app.inject({ method: 'POST', url: `/api/uploads/${analysed.id}/publish`, headers: await editorHeaders(app), payload: { layer: 'jaukti_objekti_points', title: { lv: 'Vēlreiz' } } });
      expect(twice.statusCode).toBe(409);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
