import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { registerDomainLayers } from '../../../server/src/layers/domainLayers.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality, signedInAs, type SignedIn } from '../../helpers/users.js';

/** Issue 16 item 8: personal data is read at most by officials, enforced by the API and by the database. */
describeEachDatabase('the ceiling for layers with personal data', (ctx) => {
  let app: FastifyInstance;
  let sites: string;
  let admin: SignedIn;

  beforeAll(async () => {
    app = ctx().app;
    const code = `ceil-${Math.random().toString(36).slice(2, 8)}`;
    const m = await otherMunicipality(app, code);
    await registerDomainLayers(app.pg.pool, { id: m, code });
    app.layers.invalidate();
    sites = `${code}-accommodation-sites`;
    admin = await signedInAs(app, 'admin', m);
  });

  const setAccess = (readRole: string) =>
    app.inject({ method: 'PUT', url: `/api/admin/layers/${sites}/access`, headers: admin.headers, payload: { readRole } });

  it.each(['viewer', 'public'])('refuses an administrator who opens the accommodation layer to %s, naming the ceiling', async (readRole) => {
    const res = await setAccess(readRole);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/personal data.*at most to officials.*official/);
    const { rows } = await app.pg.pool.query('SELECT read_role FROM layer WHERE id = $1', [sites]);
    expect(rows[0].read_role).toBeNull();
  });

  it('lets an administrator open it to officials', async () => {
    expect((await setAccess('official')).statusCode).toBe(200);
    expect((await setAccess('editor')).statusCode).toBe(200);
  });

  it('refuses a direct UPDATE in the database that opens it to viewers', async () => {
    await expect(app.pg.pool.query(`UPDATE layer SET read_role = 'viewer' WHERE id = $1`, [sites])).rejects.toThrow(/layer_personal_data_ceiling/);
    await expect(app.pg.pool.query(`UPDATE layer SET read_role = 'public' WHERE id = $1`, [sites])).rejects.toThrow(/layer_personal_data/);
    await app.pg.pool.query(`UPDATE layer SET read_role = 'official' WHERE id = $1`, [sites]);
  });
});
