import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, type SignedIn } from '../../helpers/users.js';

const sites = 'testa-accommodation-sites';

describeEachDatabase(
  'audit log',
  (ctx) => {
    let editor: SignedIn;
    let admin: SignedIn;
    let viewer: SignedIn;
    let otherAdmin: SignedIn;
    let testa: number;

    beforeAll(async () => {
      const { app } = ctx();
      testa = await municipalityId(app, 'testa');
      editor = await signIn(app, await addUser(app, { role: 'editor', municipality: testa }));
      admin = await signIn(app, await addUser(app, { role: 'admin', municipality: testa }));
      viewer = await signIn(app, await addUser(app, { role: 'viewer', municipality: testa }));
      otherAdmin = await signIn(app, await addUser(app, { role: 'admin', municipality: await otherMunicipality(app) }));
    });

    const entriesOf = async (userId: number) =>
      (
        await ctx().app.pg.query(
          `SELECT municipality_id, action, layer_id, feature_id, details FROM audit_log WHERE user_id = $1 AND action NOT LIKE 'auth.%' ORDER BY id`,
          [userId],
        )
      ).rows;

    it('writes one read entry per read of restricted records, with who, where, what and how many', async () => {
      const { app } = ctx();
      const siteId = (await app.pg.query('SELECT min(id)::int AS id FROM accommodation_site WHERE municipality_id = $1', [testa])).rows[0].id;
      const urls = [
        `/ogc/collections/${sites}/items?limit=1`,
        `/ogc/collections/${sites}/items/${siteId}`,
        `/api/layers/${sites}/features?filter=${encodeURIComponent('[{"field":"capacity","op":"gt","value":20}]')}`,
        `/api/layers/${sites}/features/${siteId}`,
        `/api/layers/${sites}/export?format=geojson`,
      ];
      for (const url of urls) expect((await app.inject({ url, headers: { cookie: editor.cookie } })).statusCode, url).toBe(200);
      const entries = await entriesOf(editor.id);
      expect(entries.map((e) => e.details.via)).toEqual(['ogc.items', 'ogc.item', 'features.list', 'features.item', 'features.export']);
      for (const e of entries) expect(e).toMatchObject({ municipality_id: testa, action: 'read', layer_id: sites });
      expect(entries[0].details.count).toBe(1);
      expect(entries[1].feature_id).toBe(String(siteId));
      expect(entries[2].details).toMatchObject({ count: 1, selection: { filter: '[{"field":"capacity","op":"gt","value":20}]' } });
      expect(entries[4].details.count).toBe(2);
    });

    it('writes an entry when an editor reads owner names of a public layer, none for public fields only', async () => {
      const { app } = ctx();
      await app.inject({ url: '/api/layers/testa-street-transfers/features', headers: { cookie: editor.cookie } });
      expect((await entriesOf(editor.id)).at(-1)).toMatchObject({ layer_id: 'testa-street-transfers', details: { via: 'features.list' } });
      await app.inject({ url: '/api/layers/testa-street-transfers/features', headers: { cookie: viewer.cookie } });
      expect(await entriesOf(viewer.id)).toEqual([]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE of audit_log', async () => {
      const { app } = ctx();
      await app.inject({ url: `/api/layers/${sites}/features`, headers: { cookie: editor.cookie } });
      for (const sql of ['UPDATE audit_log SET action = $1', 'DELETE FROM audit_log WHERE action <> $1', 'TRUNCATE audit_log']) {
        await expect(app.pg.query(sql, sql.includes('$1') ? ['forged'] : [])).rejects.toThrow(/append-only/);
      }
      expect((await entriesOf(editor.id)).length).toBeGreaterThan(0);
    });

    it('lists entries to the municipality admin with filters and paging, and refuses everyone else', async () => {
      const { app } = ctx();
      const page = await app.inject({ url: `/api/audit?userId=${editor.id}&layerId=${sites}&action=read&limit=2`, headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(200);
      const body = page.json();
      expect(body.total).toBeGreaterThanOrEqual(5);
      expect(body.entries).toHaveLength(2);
      expect(body.entries[0]).toMatchObject({ userId: editor.id, userEmail: editor.email, municipalityCode: 'testa', action: 'read', layerId: sites });
      expect(body.entries[0].at >= body.entries[1].at).toBe(true);

      const future = await app.inject({ url: '/api/audit?from=2999-01-01', headers: { cookie: admin.cookie } });
      expect(future.json().total).toBe(0);

      expect((await app.inject({ url: '/api/audit' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/api/audit', headers: { cookie: editor.cookie } })).statusCode).toBe(403);
      expect((await app.inject({ url: `/api/audit?municipalityId=${testa}`, headers: { cookie: otherAdmin.cookie } })).statusCode).toBe(403);
      // The other municipality's admin sees their own log, not testa's: of testa's entries only their
      // own sign-in (made through the default municipality, testa), as a sign-in event of their member.
      const own = await app.inject({ url: '/api/audit', headers: { cookie: otherAdmin.cookie } });
      const seen = own.json().entries as { municipalityCode: string; userId: number; action: string }[];
      expect(seen.every((e) => e.municipalityCode !== 'testa' || (e.userId === otherAdmin.id && e.action.startsWith('auth.')))).toBe(true);
    });

    it('exports the filtered log as CSV', async () => {
      const res = await ctx().app.inject({ url: `/api/audit/export?userId=${editor.id}`, headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.body.replace(/^\uFEFF/, '').trim().split('\n');
      expect(lines[0]).toBe('id,at,userId,userEmail,municipalityCode,action,layerId,featureId,details,ip');
      expect(lines.length).toBeGreaterThan(5);
      expect(lines[1]).toContain(editor.email);
    });

    it('answers bad audit queries with 400', async () => {
      const { app } = ctx();
      for (const q of ['from=yesterday', 'limit=0', 'limit=501', 'action=DROP%20TABLE', 'nonsense=1']) {
        const res = await app.inject({ url: `/api/audit?${q}`, headers: { cookie: admin.cookie } });
        expect(res.statusCode, q).toBe(400);
      }
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
