import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, signedInAs } from '../../helpers/users.js';

const ITEMS = '/ogc/collections/testw-sewer-connections/items';

describeEachDatabase('OGC API – Features Part 4 (create, replace, delete)', (ctx) => {
  let app: FastifyInstance;
  let editor: Record<string, string>;
  let testa: number;
  let point: { type: 'Point'; coordinates: number[] };

  beforeAll(async () => {
    app = ctx().app;
    testa = await municipalityId(app, 'testw');
    editor = (await signedInAs(app, 'editor', testa)).headers;
    const { rows } = await app.pg.query(`SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint(504100, 304100), 3059), 4326), 8)::json AS g`);
    point = rows[0].g;
  });

  const geo = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/geo+json' });

  it('creates, replaces and deletes like QGIS does, each change in the audit log with before and after', async () => {
    const created = await app.inject({
      method: 'POST',
      url: ITEMS,
      headers: geo(editor),
      payload: JSON.stringify({ type: 'Feature', geometry: point, properties: { property_address: 'QGIS iela 1', cadastre_designation: '80760049999' } }),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const id = created.json().id;
    expect(created.headers.location).toMatch(new RegExp(`${ITEMS}/${id}$`));

    // QGIS sends every attribute back, server-kept ones included.
    const replaced = await app.inject({
      method: 'PUT',
      url: `${ITEMS}/${id}`,
      headers: { ...geo(editor), 'if-match': '"1"' },
      payload: JSON.stringify({ type: 'Feature', id, geometry: point, properties: { ...created.json().properties, note: 'no QGIS' } }),
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.headers.etag).toBe('"2"');

    const stale = await app.inject({
      method: 'PUT',
      url: `${ITEMS}/${id}`,
      headers: { ...geo(editor), 'if-match': '"1"' },
      payload: JSON.stringify({ type: 'Feature', geometry: point, properties: { note: 'vecs' } }),
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().current.properties.note).toBe('no QGIS');

    const deleted = await app.inject({ method: 'DELETE', url: `${ITEMS}/${id}`, headers: { ...editor, 'if-match': '"2"' } });
    expect(deleted.statusCode).toBe(204);

    const { rows } = await app.pg.query(
      `SELECT action, details->'before'->'properties'->>'note' AS before, details->'after'->'properties'->>'note' AS after
         FROM audit_log WHERE layer_id = 'testw-sewer-connections' AND feature_id = $1 ORDER BY id`,
      [String(id)],
    );
    expect(rows).toEqual([
      { action: 'feature.create', before: null, after: null },
      { action: 'feature.update', before: null, after: 'no QGIS' },
      { action: 'feature.delete', before: 'no QGIS', after: null },
    ]);
  });

  it('applies the workflow to a status changed in QGIS', async () => {
    const created = await app.inject({
      method: 'POST',
      url: ITEMS,
      headers: geo(editor),
      payload: JSON.stringify({ type: 'Feature', geometry: point, properties: { property_address: 'QGIS iela 2' } }),
    });
    const id = created.json().id;
    const skip = await app.inject({
      method: 'PUT',
      url: `${ITEMS}/${id}`,
      headers: geo(editor),
      payload: JSON.stringify({ type: 'Feature', geometry: point, properties: { property_address: 'QGIS iela 2', status: 'connected' } }),
    });
    expect(skip.statusCode).toBe(400);
    expect(skip.json().allowed).toEqual(['applied']);
    const step = await app.inject({
      method: 'PUT',
      url: `${ITEMS}/${id}`,
      headers: geo(editor),
      payload: JSON.stringify({ type: 'Feature', geometry: point, properties: { property_address: 'QGIS iela 2', status: 'applied' } }),
    });
    expect(step.statusCode).toBe(200);
    expect(step.json().properties.status).toBe('applied');
    const { rows } = await app.pg.query(`SELECT action FROM audit_log WHERE layer_id = 'testw-sewer-connections' AND feature_id = $1 ORDER BY id DESC LIMIT 1`, [String(id)]);
    expect(rows[0].action).toBe('workflow.transition');
  });

  it('refuses viewers, other CRSs, bad attributes and non-editable collections, writing nothing', async () => {
    const count = async () => Number((await app.pg.query(`SELECT count(*) AS n FROM sewer_connection WHERE property_address = 'X'`)).rows[0].n);
    const before = await count();
    const body = JSON.stringify({ type: 'Feature', geometry: point, properties: { property_address: 'X' } });
    const viewer = (await signedInAs(app, 'viewer', testa)).headers;
    expect((await app.inject({ method: 'POST', url: ITEMS, headers: geo(viewer), payload: body })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: ITEMS, headers: geo({}), payload: body })).statusCode).toBe(401);
    const crs = await app.inject({ method: 'POST', url: ITEMS, headers: { ...geo(editor), 'content-crs': '<http://www.opengis.net/def/crs/EPSG/0/3059>' }, payload: body });
    expect(crs.statusCode).toBe(400);
    const bad = await app.inject({
      method: 'POST',
      url: ITEMS,
      headers: geo(editor),
      payload: JSON.stringify({ type: 'Feature', geometry: point, properties: { property_address: 'X', population_equivalent: 'daudz' } }),
    });
    expect(bad.statusCode).toBe(400);
    const addresses = await app.inject({ method: 'POST', url: '/ogc/collections/testw-addresses/items', headers: geo(editor), payload: body });
    expect(addresses.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });
});
