import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, signedInAs } from '../../helpers/users.js';

const LAYER = 'testw-sewer-connections';
const STREETS = 'testw-street-transfers';

/** A point of the fixture municipality (EPSG:3059) as EPSG:4326 GeoJSON. */
async function pointAt(app: FastifyInstance, x: number, y: number) {
  const { rows } = await app.pg.query<{ g: { type: string; coordinates: number[] } }>(
    `SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 3059), 4326), 8)::json AS g`,
    [x, y],
  );
  return rows[0].g;
}

/** Rows this file's refused requests would have written (other files write to the shared database at the same time). */
async function count(app: FastifyInstance, table = 'sewer_connection') {
  const sql =
    table === 'sewer_connection'
      ? `SELECT count(*) AS n FROM sewer_connection WHERE property_address IN ('A iela 1', 'X', 'Admin iela 1')`
      : `SELECT count(*) AS n FROM street_transfer WHERE street_name = 'Liekā iela'`;
  const { rows } = await app.pg.query<{ n: string }>(sql);
  return Number(rows[0].n);
}

async function auditCount(app: FastifyInstance) {
  const { rows } = await app.pg.query<{ n: string }>(
    `SELECT count(*) AS n FROM audit_log WHERE action LIKE 'feature.%' AND details->'after'->'properties'->>'property_address' IN ('A iela 1', 'X')`,
  );
  return Number(rows[0].n);
}

describeEachDatabase('editing API (/api/layers/{id}/form, features, history, restore)', (ctx) => {
  let app: FastifyInstance;
  let editor: Record<string, string>;
  let editorName: string;
  let testa: number;

  const create = (headers: Record<string, string>, payload: unknown, layer = LAYER) =>
    app.inject({ method: 'POST', url: `/api/layers/${layer}/features`, headers, payload: payload as object });

  beforeAll(async () => {
    app = ctx().app;
    testa = await municipalityId(app, 'testw');
    const user = await addUser(app, { role: 'editor', municipality: testa });
    await app.pg.query(`UPDATE app_user SET name = 'Ilze Redaktore' WHERE id = $1`, [user.id]);
    editorName = 'Ilze Redaktore';
    editor = (await signIn(app, user)).headers;
  });

  it('gives editors an editable form with types, ranges, the cadastre pattern and the workflow', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/layers/${LAYER}/form`, headers: editor });
    expect(res.statusCode).toBe(200);
    const form = res.json();
    expect(form).toMatchObject({ editable: true, geometryType: 'Point', workflow: 'sewer-connections' });
    const byName = Object.fromEntries(form.fields.map((f: { name: string }) => [f.name, f]));
    expect(byName.property_address).toMatchObject({ type: 'text', required: true });
    expect(byName.cadastre_designation.pattern).toBe('^\\d{11}$');
    expect(byName.status).toMatchObject({ type: 'enum', readOnly: true });
    expect(byName.cofinancing_eur).toMatchObject({ type: 'number', min: 0 });
    expect(byName.status.options[0].title).toHaveProperty('uk');
  });

  it("bumps the layer's data version at once, so tiles and the catalog show the edit", async () => {
    const version = async () => (await app.inject({ url: `/api/layers/${LAYER}` })).json().dataVersion as number;
    const before = await version();
    const res = await create(editor, { geometry: await pointAt(app, 501760, 301210), properties: { property_address: 'Versijas iela 1' } });
    expect(res.statusCode).toBe(201);
    expect(await version()).toBeGreaterThan(before);
  });

  it('shows viewers the form but not as editable', async () => {
    const viewer = await signedInAs(app, 'viewer', testa);
    const res = await app.inject({ method: 'GET', url: `/api/layers/${LAYER}/form`, headers: viewer.headers });
    expect(res.json()).toMatchObject({ editable: false });
  });

  it('creates a feature at version 1 and records it in the audit log with its after state', async () => {
    const geometry = await pointAt(app, 501750, 301200);
    const res = await create(editor, { geometry, properties: { property_address: 'Jauna iela 1', cadastre_designation: '80760041234' } });
    expect(res.statusCode).toBe(201);
    const { feature } = res.json();
    expect(feature.properties).toMatchObject({ version: 1, status: 'not_connected', property_address: 'Jauna iela 1' });
    expect(feature.geometry.type).toBe('Point');
    const { rows } = await app.pg.query(
      `SELECT details FROM audit_log WHERE action = 'feature.create' AND layer_id = $1 AND feature_id = $2`,
      [LAYER, String(feature.id)],
    );
    expect(rows[0].details.before).toBeNull();
    expect(rows[0].details.after.properties.property_address).toBe('Jauna iela 1');
  });

  it.each([
    ['a number for a text', { property_address: 42 }],
    ['an unknown field', { property_address: 'A iela 1', colour: 'red' }],
    ['a missing required field', { note: 'x' }],
    ['a cadastre designation of 10 digits', { property_address: 'A iela 1', cadastre_designation: '8076004123' }],
    ['a negative co-financing', { property_address: 'A iela 1', cofinancing_eur: -5 }],
    ['an impossible date', { property_address: 'A iela 1', applied_on: '2024-02-30' }],
    ['a status outside the pipeline', { property_address: 'A iela 1', status: 'done' }],
  ])('refuses %s with a 400 naming it and writes nothing', async (_what, properties) => {
    const before = [await count(app), await auditCount(app)];
    const res = await create(editor, { geometry: await pointAt(app, 501750, 301200), properties });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/not saved|required|not a field|must/);
    expect([await count(app), await auditCount(app)]).toEqual(before);
  });

  it('refuses out-of-Latvia coordinates, swapped axes, wrong geometry types and invalid polygons', async () => {
    const before = [await count(app), await count(app, 'street_transfer'), await auditCount(app)];
    const props = { property_address: 'A iela 1' };
    const outside = await create(editor, { geometry: { type: 'Point', coordinates: [2.35, 48.85] }, properties: props });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().message).toMatch(/outside Latvia/);
    const swapped = await create(editor, { geometry: { type: 'Point', coordinates: [56.9, 24.1] }, properties: props });
    expect(swapped.statusCode).toBe(400);
    const line = await create(editor, { geometry: { type: 'LineString', coordinates: [[24.1, 56.9], [24.2, 56.9]] }, properties: props });
    expect(line.json().message).toMatch(/points/);
    const garbage = await create(editor, { geometry: { type: 'Point', coordinates: ['a', 'b'] }, properties: props });
    expect(garbage.statusCode).toBe(400);
    // A bow-tie: the ring crosses itself.
    const bowtie = await create(
      editor,
      {
        geometry: { type: 'Polygon', coordinates: [[[24.0, 56.8], [24.01, 56.81], [24.01, 56.8], [24.0, 56.81], [24.0, 56.8]]] },
        properties: { street_name: 'Liekā iela', cadastre_designation: '80760040111' },
      },
      STREETS,
    );
    expect(bowtie.statusCode).toBe(400);
    expect(bowtie.json().message).toMatch(/not valid/);
    const extraTop = await create(editor, { geometry: await pointAt(app, 501750, 301200), properties: props, version: 3 });
    expect(extraTop.statusCode).toBe(400);
    expect([await count(app), await count(app, 'street_transfer'), await auditCount(app)]).toEqual(before);
  });

  it('lets only editors and admins of the layer municipality edit', async () => {
    const other = await otherMunicipality(app);
    const users = {
      anonymous: {} as Record<string, string>,
      viewer: (await signedInAs(app, 'viewer', testa)).headers,
      official: (await signedInAs(app, 'official', testa)).headers,
      otherEditor: (await signedInAs(app, 'editor', other)).headers,
    };
    const geometry = await pointAt(app, 501750, 301200);
    const before = await count(app);
    const answers = Object.fromEntries(
      await Promise.all(
        Object.entries(users).map(async ([who, headers]) => [who, (await create(headers, { geometry, properties: { property_address: 'X' } })).statusCode]),
      ),
    );
    expect(answers).toEqual({ anonymous: 401, viewer: 403, official: 403, otherEditor: 403 });
    const admin = (await signedInAs(app, 'admin', testa)).headers;
    expect((await create(admin, { geometry, properties: { property_address: 'Admin iela 1' } })).statusCode).toBe(201);
    expect(await count(app)).toBe(before + 1);
    const { rows } = await app.pg.query<{ id: number; version: number }>(`SELECT id, version FROM sewer_connection WHERE municipality_id = $1 LIMIT 1`, [testa]);
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/layers/${LAYER}/features/${rows[0].id}`,
      headers: users.official,
      payload: { version: rows[0].version, properties: { note: 'x' } },
    });
    expect(patch.statusCode).toBe(403);
  });

  it('answers a stale save with 409, the current feature and who changed it, and keeps the other change', async () => {
    const made = (await create(editor, { geometry: await pointAt(app, 501800, 301250), properties: { property_address: 'Konflikta iela 1' } })).json().feature;
    const first = await app.inject({
      method: 'PATCH',
      url: `/api/layers/${LAYER}/features/${made.id}`,
      headers: editor,
      payload: { version: 1, properties: { note: 'pirmais' }, geometry: await pointAt(app, 501810, 301250) },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().feature.properties).toMatchObject({ version: 2, note: 'pirmais' });
    const opened = await app.inject({ method: 'GET', url: `/api/layers/${LAYER}/features/${made.id}/editable`, headers: editor });
    expect(opened.json().feature.properties).toMatchObject({ version: 2, note: 'pirmais' });
    const second = await signedInAs(app, 'editor', testa);
    const stale = await app.inject({
      method: 'PATCH',
      url: `/api/layers/${LAYER}/features/${made.id}`,
      headers: second.headers,
      payload: { version: 1, properties: { note: 'otrais' } },
    });
    expect(stale.statusCode).toBe(409);
    const body = stale.json();
    expect(body.current.properties).toMatchObject({ version: 2, note: 'pirmais' });
    expect(body.changedBy).toEqual({ name: editorName });
    expect(Date.parse(body.changedAt)).not.toBeNaN();
    const staleDelete = await app.inject({ method: 'DELETE', url: `/api/layers/${LAYER}/features/${made.id}?version=1`, headers: second.headers });
    expect(staleDelete.statusCode).toBe(409);
    const { rows } = await app.pg.query(`SELECT note, version FROM sewer_connection WHERE id = $1`, [made.id]);
    expect(rows[0]).toEqual({ note: 'pirmais', version: 2 });
  });

  it('refuses a status change through PATCH and points to the workflow', async () => {
    const made = (await create(editor, { geometry: await pointAt(app, 501800, 301260), properties: { property_address: 'Statusa iela 1' } })).json().feature;
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/layers/${LAYER}/features/${made.id}`,
      headers: editor,
      payload: { version: 1, properties: { status: 'connected' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/workflows\/sewer-connections/);
  });

  it('lists the history newest first and restores an earlier version as a new one', async () => {
    const made = (await create(editor, { geometry: await pointAt(app, 501820, 301270), properties: { property_address: 'Vēstures iela 1', note: 'v1' } })).json().feature;
    const patch = (version: number, note: string) =>
      app.inject({ method: 'PATCH', url: `/api/layers/${LAYER}/features/${made.id}`, headers: editor, payload: { version, properties: { note } } });
    expect((await patch(1, 'v2')).statusCode).toBe(200);
    expect((await patch(2, 'v3')).statusCode).toBe(200);
    const history = (await app.inject({ method: 'GET', url: `/api/layers/${LAYER}/features/${made.id}/history`, headers: editor })).json();
    expect(history.map((h: { version: number; action: string }) => [h.version, h.action])).toEqual([
      [3, 'feature.update'],
      [2, 'feature.update'],
      [1, 'feature.create'],
    ]);
    expect(history[0].user).toEqual({ name: editorName });
    expect(history[0].before.properties.note).toBe('v2');

    const stale = await app.inject({ method: 'POST', url: `/api/layers/${LAYER}/features/${made.id}/restore`, headers: editor, payload: { version: 2, toVersion: 1 } });
    expect(stale.statusCode).toBe(409);
    const restored = await app.inject({ method: 'POST', url: `/api/layers/${LAYER}/features/${made.id}/restore`, headers: editor, payload: { version: 3, toVersion: 1 } });
    expect(restored.statusCode).toBe(200);
    expect(restored.json().feature.properties).toMatchObject({ version: 4, note: 'v1' });
    const unknown = await app.inject({ method: 'POST', url: `/api/layers/${LAYER}/features/${made.id}/restore`, headers: editor, payload: { version: 4, toVersion: 99 } });
    expect(unknown.statusCode).toBe(400);
    const { rows } = await app.pg.query(`SELECT action, details->>'toVersion' AS to FROM audit_log WHERE feature_id = $1 AND layer_id = $2 ORDER BY id DESC LIMIT 1`, [String(made.id), LAYER]);
    expect(rows[0]).toEqual({ action: 'feature.restore', to: '1' });
  });

  it('deletes with the current version and records the before state', async () => {
    const made = (await create(editor, { geometry: await pointAt(app, 501830, 301280), properties: { property_address: 'Dzēšamā iela 1' } })).json().feature;
    const res = await app.inject({ method: 'DELETE', url: `/api/layers/${LAYER}/features/${made.id}?version=1`, headers: editor });
    expect(res.statusCode).toBe(204);
    const { rows } = await app.pg.query(`SELECT details FROM audit_log WHERE action = 'feature.delete' AND feature_id = $1 AND layer_id = $2`, [String(made.id), LAYER]);
    expect(rows[0].details.before.properties.property_address).toBe('Dzēšamā iela 1');
    expect(rows[0].details.after).toBeNull();
  });

  it('creates street transfers from a Polygon as a MultiPolygon', async () => {
    const ring = await Promise.all([[503600, 303000], [503700, 303000], [503700, 303008], [503600, 303008], [503600, 303000]].map(([x, y]) => pointAt(app, x, y)));
    const res = await create(
      editor,
      { geometry: { type: 'Polygon', coordinates: [ring.map((p) => p.coordinates)] }, properties: { street_name: 'Jaunā iela', cadastre_designation: '80760040555' } },
      STREETS,
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().feature).toMatchObject({ geometry: { type: 'MultiPolygon' }, properties: { status: 'application' } });
  });
});
