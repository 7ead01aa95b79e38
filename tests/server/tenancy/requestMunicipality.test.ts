import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality } from '../../helpers/users.js';
import { decodeTile, tileOf } from '../tiles/tileTestKit.js';

/** Another municipality's school, placed right beside the fixture's own school in Jaunciems. */
const intruder = { name: 'Citu novada skola', x: 501810, y: 301810 };

describeEachDatabase('requests scoped to one municipality', (ctx) => {
  let otherCode: string;
  let intruderId: number;

  beforeAll(async () => {
    const { app } = ctx();
    otherCode = `cits-${Math.random().toString(36).slice(2, 8)}`;
    const other = await otherMunicipality(app, otherCode);
    const { rows } = await app.pg.pool.query<{ id: number }>(
      `INSERT INTO facility (municipality_id, category, name, geom) VALUES ($1, 'school', $2, ST_SetSRID(ST_MakePoint($3, $4), 3059)) RETURNING id`,
      [other, intruder.name, intruder.x, intruder.y],
    );
    intruderId = rows[0].id;
    await app.pg.pool.query(
      `INSERT INTO address (municipality_id, code, type_code, name, full_address, geom)
       VALUES ($1, 990000001, 108, '9', 'Svešā iela 9, Citciems, Citu nov., LV-9999', ST_SetSRID(ST_MakePoint(501820, 301820), 3059))`,
      [other],
    );
  });

  it("never returns another municipality's row through a layer, by id, by bbox, by tile or by OGC items", async () => {
    const { app } = ctx();
    const byId = await app.inject({ url: `/api/layers/testa-schools/features/${intruderId}` });
    expect(byId.statusCode).toBe(404);
    expect((await app.inject({ url: `/ogc/collections/testa-schools/items/${intruderId}` })).statusCode).toBe(404);

    const bbox = '23.9,56.7,24.2,57.0';
    const items = (await app.inject({ url: `/ogc/collections/testa-schools/items?bbox=${bbox}&limit=1000` })).json();
    const names = items.features.map((f: { properties: { name: string } }) => f.properties.name);
    expect(names).toContain('Jaunciema pamatskola');
    expect(names).not.toContain(intruder.name);

    const { z, x, y } = tileOf(intruder.x, intruder.y, 14);
    const tile = await app.inject({ url: `/api/tiles/testa-schools/${z}/${x}/${y}.mvt` });
    expect(tile.statusCode).toBeLessThan(300);
    const layers = tile.rawPayload.length ? decodeTile(tile.rawPayload) : {};
    const tileNames = (layers['testa-schools']?.features ?? []).map((f) => f.properties.name);
    expect(tileNames).not.toContain(intruder.name);
  });

  it("lists only the named municipality's layers in the catalog and in /ogc/collections", async () => {
    const { app } = ctx();
    const own = (await app.inject({ url: '/api/layers', headers: { 'x-municipality': 'testa' } })).json().layers;
    expect(own.some((l: { id: string }) => l.id === 'testa-schools')).toBe(true);
    const theirs = (await app.inject({ url: '/api/layers', headers: { 'x-municipality': otherCode } })).json().layers;
    expect(theirs.filter((l: { id: string }) => l.id.startsWith('testa-'))).toEqual([]);
    const collections = (await app.inject({ url: '/ogc/collections', headers: { 'x-municipality': otherCode } })).json().collections;
    expect(collections.filter((c: { id: string }) => c.id.startsWith('testa-'))).toEqual([]);
  });

  it('takes the municipality from the subdomain, and refuses an unknown one by name', async () => {
    const { app } = ctx();
    const bySubdomain = (await app.inject({ url: '/api/layers', headers: { host: `${otherCode}.gis.example.lv` } })).json().layers;
    expect(bySubdomain.filter((l: { id: string }) => l.id.startsWith('testa-'))).toEqual([]);
    const unknown = await app.inject({ url: '/api/layers', headers: { 'x-municipality': 'atlantida' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toMatch(/no municipality "atlantida"/);
  });

  it("searches only the request municipality's addresses", async () => {
    const { app } = ctx();
    const inTesta = (await app.inject({ url: '/api/search?q=Svešā iela 9' })).json();
    expect(inTesta.results).toEqual([]);
    const own = (await app.inject({ url: '/api/search?q=Daugavas iela 1' })).json();
    expect(own.results[0].label).toContain('Daugavas iela 1, Jaunciems');
    // The other municipality has no address layer here: nothing of testa's leaks into its answers.
    const inOther = (await app.inject({ url: '/api/search?q=Daugavas iela 1', headers: { 'x-municipality': otherCode } })).json();
    expect(inOther.results).toEqual([]);
  });

  it('lists the hosted municipalities by name for choosing one, with nothing but code and name', async () => {
    const res = await ctx().app.inject('/api/public/municipalities');
    expect(res.statusCode).toBe(200);
    const list = res.json() as { code: string; name: string }[];
    expect(list).toEqual(expect.arrayContaining([{ code: 'testa', name: 'Testa novads' }, { code: otherCode, name: 'Citu novads' }]));
    expect(Object.keys(list[0]).sort()).toEqual(['code', 'name']);
  });
});
