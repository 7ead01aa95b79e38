import { beforeAll, expect, it } from 'vitest';
import { withMunicipality } from '../../../server/src/tenancy/scope.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, otherMunicipality } from '../../helpers/users.js';

describeEachDatabase('row-level security per municipality', (ctx) => {
  let testa: number;
  let other: number;

  beforeAll(async () => {
    const { app } = ctx();
    testa = await municipalityId(app, 'testa');
    other = await otherMunicipality(app);
    await app.pg.pool.query(
      `INSERT INTO facility (municipality_id, category, name, geom)
       VALUES ($1, 'school', 'Citu novada skola', ST_SetSRID(ST_MakePoint(500000, 300000), 3059))`,
      [other],
    );
  });

  it("hides every other municipality's rows from a query that forgets its WHERE", async () => {
    const { app } = ctx();
    const seen = await withMunicipality(app.pg.pool, testa, async (client) => {
      const { rows } = await client.query<{ municipality_id: number }>('SELECT DISTINCT municipality_id FROM facility');
      return rows.map((r) => r.municipality_id);
    });
    expect(seen).toEqual([testa]);
    const theirs = await withMunicipality(app.pg.pool, other, async (client) => (await client.query('SELECT name FROM facility')).rows);
    expect(theirs).toEqual([{ name: 'Citu novada skola' }]);
  });

  it("refuses to write a row into another municipality, and to change another's rows", async () => {
    const { app } = ctx();
    await expect(
      withMunicipality(app.pg.pool, testa, (client) =>
        client.query(
          `INSERT INTO facility (municipality_id, category, name, geom) VALUES ($1, 'shop', 'Iebraucējs', ST_SetSRID(ST_MakePoint(500000, 300000), 3059))`,
          [other],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await withMunicipality(app.pg.pool, testa, async (client) => (await client.query(`UPDATE facility SET name = name || '!' WHERE municipality_id = $1`, [other])).rowCount);
    expect(changed).toBe(0);
    const { rows } = await app.pg.pool.query('SELECT count(*)::int AS n FROM facility WHERE municipality_id = $1 AND name = $2', [other, 'Citu novada skola']);
    expect(rows[0].n).toBe(1);
  });

  it('keeps the audit log append-only for requests too', async () => {
    const { app } = ctx();
    await expect(withMunicipality(app.pg.pool, testa, (client) => client.query('DELETE FROM audit_log'))).rejects.toThrow(/permission denied|append-only/);
  });

  it('leaves nothing behind on the pooled connection: role and municipality end with the transaction', async () => {
    const { app } = ctx();
    await withMunicipality(app.pg.pool, other, (client) => client.query('SELECT 1'));
    const { rows } = await app.pg.pool.query(
      `SELECT current_user AS who, coalesce(current_setting('app.municipality_id', true), '') AS m`,
    );
    expect(rows[0].who).not.toBe('gis_tenant');
    expect(rows[0].m).toBe('');
  });

  it('covers every table that has a municipality_id', async () => {
    const { app } = ctx();
    const { rows } = await app.pg.pool.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'municipality_id'
        WHERE c.relkind = 'r' AND (NOT c.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))`,
    );
    expect(rows.map((r) => r.relname)).toEqual([]);
  });
});
