import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, otherMunicipality, signedInAs } from '../../helpers/users.js';

describeEachDatabase('work lists (/api/worklists)', (ctx) => {
  let app: FastifyInstance;
  let official: Record<string, string>;
  let testa: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    app = ctx().app;
    testa = await municipalityId(app, 'testw');
    official = { ...(await signedInAs(app, 'official', testa)).headers, 'x-municipality': 'testw' };
    // A main of its own in the town, far from the fixture's mains, with properties at known distances.
    await app.pg.query(
      `INSERT INTO sewer_main (municipality_id, kind, geom) VALUES ($1, 'gravity', ST_GeomFromText('LINESTRING(508000 308000, 508500 308000)', 3059))`,
      [testa],
    );
    const connection = async (key: string, x: number, y: number, status = 'not_connected') => {
      const { rows } = await app.pg.query<{ id: number }>(
        `INSERT INTO sewer_connection (municipality_id, property_address, status, geom)
         VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 3059)) RETURNING id`,
        [testa, `Darba saraksta iela ${key}`, status, x, y],
      );
      ids[key] = rows[0].id;
    };
    await connection('49m', 508100, 308049);
    await connection('51m', 508200, 307949);
    await connection('10m-connected', 508300, 308010, 'connected');
    await connection('20m-applied', 508400, 307980, 'applied');
  });

  const get = (url: string, headers = official) => app.inject({ method: 'GET', url, headers });
  const mine = (rows: { kind: string; id: number; distance_m?: number }[]) => rows.filter((r) => r.kind === 'connection' && Object.values(ids).includes(r.id));

  it('lists a property 49 m from a main and not one 51 m away, nearest first, leaving out connected ones', async () => {
    const res = await get('/api/worklists/sewer-unconnected?distance=50');
    expect(res.statusCode).toBe(200);
    const rows = mine(res.json());
    expect(rows.map((r) => r.id)).toEqual([ids['20m-applied'], ids['49m']]);
    expect(rows.map((r: { distance_m?: number }) => r.distance_m)).toEqual([20, 49]);
    const all = res.json() as { distance_m: number }[];
    expect(all.map((r) => r.distance_m)).toEqual([...all.map((r) => r.distance_m)].sort((a, b) => a - b));
    const wider = mine((await get('/api/worklists/sewer-unconnected?distance=60')).json());
    expect(wider.map((r) => r.id)).toContain(ids['51m']);
  });

  it('filters by village and names the village of each property', async () => {
    const { rows } = await app.pg.query<{ id: number }>(`SELECT id FROM territorial_unit WHERE municipality_id = $1 AND name = 'Jaunciems'`, [testa]);
    const res = await get(`/api/worklists/sewer-unconnected?village=${rows[0].id}`);
    const list = res.json() as { village: string; kind: string; id: number }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((r) => r.village === 'Jaunciems')).toBe(true);
    expect(mine(list)).toEqual([]);
  });

  it('exports the list as CSV for a letter campaign', async () => {
    const res = await get('/api/worklists/sewer-unconnected?distance=50&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('kind,id,address,cadastre_designation,status,village,distance_m,lon,lat');
    expect(lines.some((l) => l.includes('Darba saraksta iela 49m') && l.includes(',49,'))).toBe(true);
    expect(lines.some((l) => l.includes('Darba saraksta iela 51m'))).toBe(false);
  });

  it('saves a work list that colleagues of the municipality list and run, and no one else sees', async () => {
    const saved = await app.inject({
      method: 'POST',
      url: '/api/worklists',
      headers: official,
      payload: { name: 'Vēstules 2025', kind: 'sewer-unconnected', params: { distance: 50 } },
    });
    expect(saved.statusCode).toBe(201);
    const id = saved.json().id;
    const colleague = { ...(await signedInAs(app, 'editor', testa)).headers, 'x-municipality': 'testw' };
    expect((await get('/api/worklists', colleague)).json().map((w: { id: number }) => w.id)).toContain(id);
    const run = (await get(`/api/worklists/${id}`, colleague)).json();
    expect(run.worklist).toMatchObject({ name: 'Vēstules 2025', params: { distance: 50 } });
    expect(mine(run.rows).map((r) => r.id)).toEqual([ids['20m-applied'], ids['49m']]);
    expect((await get(`/api/worklists/${id}?format=csv`, colleague)).headers['content-disposition']).toMatch(/Vstules_2025|V_stules_2025/);

    const other = await otherMunicipality(app, 'worklist-other');
    // An admin of another municipality asking about this one.
    const stranger = { ...(await signedInAs(app, 'admin', other)).headers, 'x-municipality': 'testw' };
    expect((await get('/api/worklists', stranger)).statusCode).toBe(403);
    expect((await get(`/api/worklists/${id}`, stranger)).statusCode).toBe(403);
    expect((await get(`/api/worklists/999999`, colleague)).statusCode).toBe(404);
  });

  it('refuses viewers, anonymous users and bad parameters', async () => {
    const viewer = { ...(await signedInAs(app, 'viewer', testa)).headers, 'x-municipality': 'testw' };
    expect((await get('/api/worklists/sewer-unconnected', viewer)).statusCode).toBe(403);
    expect((await get('/api/worklists/sewer-unconnected', { 'x-municipality': 'testw' })).statusCode).toBe(401);
    expect((await get('/api/worklists/sewer-unconnected?distance=-3')).statusCode).toBe(400);
    expect((await get('/api/worklists/sewer-unconnected?distance=5000')).statusCode).toBe(400);
    const bad = await app.inject({ method: 'POST', url: '/api/worklists', headers: official, payload: { name: 'x', kind: 'sewer-unconnected', params: { radius: 5 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/radius/);
  });
});
