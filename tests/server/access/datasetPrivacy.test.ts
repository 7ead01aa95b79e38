import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { publishAsEditor, uploadAsEditor } from '../../helpers/uploads.js';
import { editorHeaders, municipalityId, signedInAs, type SignedIn } from '../../helpers/users.js';

interface Job {
  id: string;
  status: string;
  layerId?: string;
  errors: unknown[];
}

const file = path.join(rootDir, 'tests/fixtures/uploads/punkti_lks92.geojson');

/** Issue 16 item 9: a new dataset is for the municipality's signed-in roles until an editor or admin makes it public. */
describeEachDatabase('privacy of new datasets', (ctx) => {
  let app: FastifyInstance;
  const as: Partial<Record<'viewer' | 'official' | 'admin', SignedIn>> = {};
  let editor: Record<string, string>;

  beforeAll(async () => {
    app = ctx().app;
    const testa = await municipalityId(app, 'testa');
    for (const role of ['viewer', 'official', 'admin'] as const) as[role] = await signedInAs(app, role, testa);
    editor = await editorHeaders(app);
  });

  const publishNew = async (title: string, replaceLayerId?: string) => {
    const job = await uploadAsEditor<Job>(app, file);
    const done = await publishAsEditor<Job>(app, job.id, { title: { lv: title }, ...(replaceLayerId ? { replaceLayerId } : {}) });
    expect(done.status, JSON.stringify(done.errors)).toBe('done');
    return done.layerId!;
  };
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers: { 'x-municipality': 'testa', ...headers } });
  const setPublic = (layerId: string, headers: Record<string, string>, isPublic: boolean) =>
    app.inject({ method: 'PUT', url: `/api/datasets/${layerId}/access`, headers: { 'x-municipality': 'testa', ...headers }, payload: { public: isPublic } });
  const readable = async (layerId: string, headers: Record<string, string> = {}) => {
    const [items, table, tile] = await Promise.all([
      get(`/ogc/collections/${layerId}/items`, headers),
      get(`/api/layers/${layerId}/features`, headers),
      get(`/api/tiles/${layerId}/12/2321/1240.mvt`, headers),
    ]);
    return { items: items.statusCode, table: table.statusCode, tile: tile.statusCode < 300 ? 'ok' : tile.statusCode };
  };

  it('gives anonymous visitors nothing of a dataset just published, and viewers of the municipality read it', async () => {
    const layerId = await publishNew('Privāts pēc noklusējuma');
    expect(await readable(layerId)).toEqual({ items: 403, table: 403, tile: 403 });
    const meta = (await get(`/api/layers/${layerId}`)).json();
    expect(meta).toMatchObject({ featureCount: null, extent: null, access: { records: false } });
    expect((await get(`/ogc/collections/${layerId}`)).json().extent).toBeUndefined();
    expect((await get('/ogc/collections')).json().collections.map((c: { id: string }) => c.id)).not.toContain(layerId);
    expect(await readable(layerId, as.viewer!.headers)).toEqual({ items: 200, table: 200, tile: 'ok' });
    expect((await get(`/api/layers/${layerId}`, as.viewer!.headers)).json().featureCount).toBe(4);
    const listed = (await get('/api/datasets', editor)).json().datasets.find((d: { layerId: string }) => d.layerId === layerId);
    expect(listed.readRole).toBe('viewer');
  });

  it('makes a dataset public by the Data page switch (editors and admins only, audited), and private again', async () => {
    const layerId = await publishNew('Publiskojams');
    expect((await setPublic(layerId, {}, true)).statusCode).toBe(401);
    expect((await setPublic(layerId, as.viewer!.headers, true)).statusCode).toBe(403);
    expect((await setPublic(layerId, as.official!.headers, true)).statusCode).toBe(403);
    const made = await setPublic(layerId, editor, true);
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json().readRole).toBe('public');
    expect(await readable(layerId)).toEqual({ items: 200, table: 200, tile: 'ok' });
    expect((await get(`/api/layers/${layerId}`)).json().featureCount).toBe(4);

    expect((await setPublic(layerId, as.admin!.headers, false)).json().readRole).toBe('viewer');
    expect((await readable(layerId)).items).toBe(403);
    const { rows } = await app.pg.pool.query(`SELECT details FROM audit_log WHERE action = 'layer.access' AND layer_id = $1 ORDER BY id`, [layerId]);
    expect(rows.map((r) => [r.details.before.readRole, r.details.after.readRole])).toEqual([
      ['viewer', 'public'],
      ['public', 'viewer'],
    ]);
  });

  it('keeps the public setting when the dataset is replaced', async () => {
    const layerId = await publishNew('Aizstājams');
    expect((await setPublic(layerId, editor, true)).statusCode).toBe(200);
    expect(await publishNew('Aizstājams', layerId)).toBe(layerId);
    app.layers.invalidate();
    expect((await readable(layerId)).items).toBe(200);
  });

  it('refuses the switch for a layer that is not an uploaded dataset of the municipality', async () => {
    expect((await setPublic('testa-accommodation-sites', editor, true)).statusCode).toBe(404);
  });
});
