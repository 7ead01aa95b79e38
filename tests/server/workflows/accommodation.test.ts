import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { insertFixtureMunicipality } from '../../helpers/fixtureMunicipality.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { signedInAs } from '../../helpers/users.js';

/**
 * A copy of the fixture municipality of this file's own: the public map's per-parish numbers depend
 * on every site of the municipality, and other files add sites to the shared workflow copy while
 * this one runs on the shared real database.
 */
const code = 'testacc';

describeEachDatabase('refugee accommodation: nearby services, free places, public help map', (ctx) => {
  let app: FastifyInstance;
  let testa: number;
  let editor: Record<string, string>;
  let dormitory: number;

  beforeAll(async () => {
    app = ctx().app;
    const client = await app.pg.pool.connect();
    try {
      const existing = await client.query<{ id: number }>('SELECT id FROM municipality WHERE code = $1', [code]);
      testa = existing.rows[0]?.id ?? (await insertFixtureMunicipality(client, code));
    } finally {
      client.release();
    }
    app.layers.invalidate();
    editor = { ...(await signedInAs(app, 'editor', testa)).headers, 'x-municipality': code };
    const { rows } = await app.pg.query<{ id: number }>(`SELECT id FROM accommodation_site WHERE municipality_id = $1 AND name = 'Dienesta viesnīca'`, [testa]);
    dormitory = rows[0].id;
  });

  const wgs84 = async (x: number, y: number) =>
    (await app.pg.query<{ lon: number; lat: number }>(`SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 3059), 4326) g`, [x, y])).rows[0];

  it('gives the nearest facility of each category with its distance in metres', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/accommodation/${dormitory}/nearby`, headers: editor });
    expect(res.statusCode).toBe(200);
    const byCategory = Object.fromEntries(res.json().map((r: { category: string }) => [r.category, r]));
    expect(Object.keys(byCategory)).toEqual(['school', 'kindergarten', 'family_doctor', 'shop', 'bus_stop', 'aid_point']);
    // (501500, 301500) to the school at (501800, 301800) and the bus stop at (501200, 301000).
    expect(byCategory.school).toMatchObject({ name: 'Jaunciema pamatskola', distance_m: 424 });
    expect(byCategory.bus_stop).toMatchObject({ distance_m: 583 });
    expect(byCategory.kindergarten).toMatchObject({ id: null, distance_m: null });
    const { rows } = await app.pg.query(`SELECT details->>'via' AS via FROM audit_log WHERE action = 'read' AND feature_id = $1 ORDER BY id DESC LIMIT 1`, [String(dormitory)]);
    expect(rows[0].via).toBe('accommodation.nearby');
  });

  it('finds sites in use with free places near a point, nearest first', async () => {
    const here = await wgs84(501500, 301400);
    const res = await app.inject({ method: 'GET', url: `/api/accommodation/free-places?lon=${here.lon}&lat=${here.lat}&radius=1000`, headers: editor });
    expect(res.statusCode).toBe(200);
    const sites = res.json() as { name: string; free: number; distance_m: number }[];
    expect(sites.find((s) => s.name === 'Dienesta viesnīca')).toMatchObject({ free: 9, distance_m: 100 });
    expect(sites.some((s) => s.name === 'Pašvaldības māja')).toBe(false);
    expect(JSON.stringify(sites)).not.toMatch(/Olena|\+3712/);
  });

  it('keeps sites from officials, viewers and anonymous users, and refuses points outside Latvia', async () => {
    for (const role of ['official', 'viewer'] as const) {
      const headers = { ...(await signedInAs(app, role, testa)).headers, 'x-municipality': code };
      expect((await app.inject({ method: 'GET', url: `/api/accommodation/${dormitory}/nearby`, headers })).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/api/accommodation/free-places?lon=24.1&lat=56.8', headers })).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: '/api/accommodation/free-places?lon=24.1&lat=56.8', headers: { 'x-municipality': code } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/accommodation/free-places?lon=2.35&lat=48.85', headers: editor })).statusCode).toBe(400);
  });

  it('publishes aid points, bus stops and free places per parish with small counts suppressed and no single site', async () => {
    const units = async () => {
      const res = await app.inject({ method: 'GET', url: `/api/public/${code}/refugee-help` });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/Dienesta viesnīca|Pilsētas vieta|Pagasta vieta|Privāta Persona|Olena/);
      const body = res.json();
      return { body, byName: Object.fromEntries(body.freePlaces.features.map((f: { properties: { name: string } }) => [f.properties.name, f.properties])) };
    };
    const sites = (name: string, x0: number, n: number) =>
      app.pg.query(
        `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, occupied, contact_person, geom)
         SELECT $1, $2 || i, 'apartment', 'Pils iela ' || i, 5, 2, 'Privāta Persona', ST_SetSRID(ST_MakePoint($3 + i * 100, 307000), 3059)
           FROM generate_series(1, $4) AS i`,
        [testa, name, x0, n],
      );
    // The fixture: two sites in the parish (suppressed), none in the town (zero reveals no one).
    let { byName } = await units();
    expect(byName['Rietumu pagasts']).toMatchObject({ sites: null, freePlaces: null, suppressed: true });
    expect(byName.Austrumpils).toMatchObject({ sites: 0, freePlaces: 0, suppressed: false });
    // Five in the town: shown alone they would give back the parish's two through the total, so both are hidden.
    await sites('Pilsētas vieta ', 506000, 5);
    ({ byName } = await units());
    expect(byName.Austrumpils).toMatchObject({ suppressed: true, freePlaces: null });
    // Three more in the parish: five each, both shown.
    await sites('Pagasta vieta ', 502000, 3);
    await app.pg.query(
      `INSERT INTO facility (municipality_id, category, name, geom) VALUES ($1, 'aid_point', 'Palīdzības punkts', ST_SetSRID(ST_MakePoint(507500, 307500), 3059))`,
      [testa],
    );
    const result = await units();
    expect(result.byName.Austrumpils).toEqual({ name: 'Austrumpils', kind: 'town', sites: 5, freePlaces: 15, suppressed: false });
    expect(result.byName['Rietumu pagasts']).toEqual({ name: 'Rietumu pagasts', kind: 'parish', sites: 5, freePlaces: 9 + 8 + 9, suppressed: false });
    expect(result.body.aidPoints.features.map((f: { properties: { name: string } }) => f.properties.name)).toContain('Palīdzības punkts');
    expect(result.body.busStops.features[0].geometry.type).toBe('Point');
    expect((await app.inject({ method: 'GET', url: '/api/public/nav-tadas/refugee-help' })).statusCode).toBe(404);
  });
});
