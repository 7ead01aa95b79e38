import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality, signedInAs, type SignedIn } from '../../helpers/users.js';

/** A municipality of the test's own, so renaming it disturbs no other suite. */
describeEachDatabase('municipality settings', (ctx) => {
  let code: string;
  let admin: SignedIn;
  let editor: SignedIn;
  const as = (who: SignedIn) => ({ ...who.headers, 'x-municipality': code });

  beforeAll(async () => {
    const { app } = ctx();
    code = `set-${Math.random().toString(36).slice(2, 8)}`;
    const m = await otherMunicipality(app, code);
    admin = await signedInAs(app, 'admin', m);
    editor = await signedInAs(app, 'editor', m);
  });

  const put = (who: SignedIn, payload: object) => ctx().app.inject({ method: 'PUT', url: '/api/admin/municipality', headers: as(who), payload });

  it('changes names, default language and boundary, and logs the change', async () => {
    const boundary = { type: 'Polygon', coordinates: [[[24.0, 56.9], [24.2, 56.9], [24.2, 57.0], [24.0, 57.0], [24.0, 56.9]]] };
    const res = await put(admin, { name: 'Jaunais novads', nameEn: 'New Municipality', defaultLanguage: 'uk', boundary });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ code, name: 'Jaunais novads', nameEn: 'New Municipality', defaultLanguage: 'uk', boundary: { type: 'MultiPolygon' } });
    const { rows } = await ctx().app.pg.pool.query(
      `SELECT ST_SRID(boundary) AS srid, a.details FROM municipality m JOIN audit_log a ON a.municipality_id = m.id AND a.action = 'municipality.settings' WHERE m.code = $1`,
      [code],
    );
    expect(rows[0].srid).toBe(3059);
    expect(rows[0].details.after).toMatchObject({ name: 'Jaunais novads', boundary: 'changed' });
  });

  it('stores a WMS key server-side and shows it back only masked, never in the log', async () => {
    const secret = 'lgia-subscription-0123456789-abcd';
    const res = await put(admin, { wmsKeys: { LGIA_WMS_KEY: secret } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(secret);
    const key = res.json().wmsKeys.find((k: { name: string }) => k.name === 'LGIA_WMS_KEY');
    expect(key).toMatchObject({ masked: '••••abcd', sources: expect.arrayContaining(['lgia-ortofoto']) });
    const got = await ctx().app.inject({ url: '/api/admin/municipality', headers: as(admin) });
    expect(got.body).not.toContain(secret);
    const { rows } = await ctx().app.pg.pool.query(`SELECT details::text AS d FROM audit_log WHERE action = 'municipality.settings' ORDER BY id DESC LIMIT 1`);
    expect(rows[0].d).toContain('"LGIA_WMS_KEY": "set"');
    expect(rows[0].d).not.toContain(secret);
    expect(await ctx().app.municipalitySecrets.get((await ctx().app.municipalities.byCodeOrNull(code))!.id, 'LGIA_WMS_KEY')).toBe(secret);
    expect((await put(admin, { wmsKeys: { LGIA_WMS_KEY: null } })).json().wmsKeys.find((k: { name: string }) => k.name === 'LGIA_WMS_KEY').masked).toBeNull();
  });

  it('refuses bad input with the reason and changes nothing', async () => {
    const outside = { type: 'Polygon', coordinates: [[[2.0, 48.0], [2.2, 48.0], [2.2, 48.1], [2.0, 48.0]]] };
    const cases: [object, RegExp][] = [
      [{ boundary: outside }, /outside Latvia/],
      [{ boundary: { type: 'Polygon', coordinates: [[[24, 56.9], [24.2, 57], [24.2, 56.9], [24, 57], [24, 56.9]]] } }, /not a valid polygon/],
      [{ wmsKeys: { NOT_A_KEY_WE_USE: 'x' } }, /No WMS source uses the key NOT_A_KEY_WE_USE/],
      [{ defaultLanguage: 'de' }, /.+/],
      [{ colour: 'red' }, /.+/],
    ];
    for (const [payload, message] of cases) {
      const res = await put(admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
    expect((await ctx().app.inject({ url: '/api/admin/municipality', headers: as(admin) })).json().name).toBe('Jaunais novads');
  });

  it('is for administrators only', async () => {
    expect((await put(editor, { name: 'Cits' })).statusCode).toBe(403);
    expect((await ctx().app.inject({ url: '/api/admin/municipality', headers: { 'x-municipality': code } })).statusCode).toBe(401);
  });
});
