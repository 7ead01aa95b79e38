import { beforeAll, expect, it } from 'vitest';
import { registerDomainLayers } from '../../../server/src/layers/domainLayers.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { otherMunicipality, signedInAs, type SignedIn } from '../../helpers/users.js';

/** A municipality of the test's own (so switching its layers cannot disturb other suites), with one school. */
describeEachDatabase('per-layer access switch', (ctx) => {
  let code: string;
  let schools: string;
  let sites: string;
  const as: Partial<Record<'viewer' | 'editor' | 'admin' | 'otherAdmin', SignedIn>> = {};

  beforeAll(async () => {
    const { app } = ctx();
    code = `sw-${Math.random().toString(36).slice(2, 8)}`;
    const m = await otherMunicipality(app, code);
    await app.pg.pool.query(
      `INSERT INTO facility (municipality_id, category, name, geom) VALUES ($1, 'school', 'Slēdža skola', ST_SetSRID(ST_MakePoint(520000, 320000), 3059))`,
      [m],
    );
    await registerDomainLayers(app.pg.pool, { id: m, code });
    app.layers.invalidate();
    schools = `${code}-schools`;
    sites = `${code}-accommodation-sites`;
    for (const role of ['viewer', 'editor', 'admin'] as const) as[role] = await signedInAs(app, role, m);
    as.otherAdmin = await signedInAs(app, 'admin', await otherMunicipality(app));
  });

  const setAccess = (who: SignedIn | undefined, layerId: string, readRole: string) =>
    ctx().app.inject({ method: 'PUT', url: `/api/admin/layers/${layerId}/access`, headers: who?.headers ?? {}, payload: { readRole } });
  const statuses = async (headers: Record<string, string> = {}) => {
    const { app } = ctx();
    const [items, table, tile] = await Promise.all([
      app.inject({ url: `/ogc/collections/${schools}/items`, headers }),
      app.inject({ url: `/api/layers/${schools}/features`, headers }),
      app.inject({ url: `/api/tiles/${schools}/10/580/330.mvt`, headers }),
    ]);
    return { items: items.statusCode, table: table.statusCode, tile: tile.statusCode, cache: String(tile.headers['cache-control']) };
  };

  it('closes a public layer to anonymous visitors and opens it again, on every surface at once', async () => {
    expect((await statuses()).items).toBe(200);
    const closed = await setAccess(as.admin, schools, 'viewer');
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await statuses()).toMatchObject({ items: 403, table: 403, tile: 403 });
    const viewer = await statuses(as.viewer!.headers);
    expect(viewer).toMatchObject({ items: 200, table: 200 });
    expect(viewer.tile).toBeLessThan(300);
    expect(viewer.cache).toContain('private');
    expect((await setAccess(as.admin, schools, 'public')).statusCode).toBe(200);
    const open = await statuses();
    expect(open).toMatchObject({ items: 200, table: 200 });
    expect(open.cache).toContain('public');
  });

  it('never makes personal data public, but can open it to officials', async () => {
    const refused = await setAccess(as.admin, sites, 'public');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/personal data/);
    expect((await setAccess(as.admin, sites, 'official')).statusCode).toBe(200);
    const listed = (await ctx().app.inject({ url: '/api/admin/layers', headers: { ...as.admin!.headers, 'x-municipality': code } })).json().layers;
    expect(listed.find((l: { id: string }) => l.id === sites)).toMatchObject({ restricted: true, readRole: 'official' });
    expect((await setAccess(as.admin, sites, 'editor')).statusCode).toBe(200);
  });

  it('lets only administrators of the municipality switch, and logs it', async () => {
    expect((await setAccess(undefined, schools, 'viewer')).statusCode).toBe(401);
    expect((await setAccess(as.editor, schools, 'viewer')).statusCode).toBe(403);
    expect((await setAccess(as.otherAdmin, schools, 'viewer')).statusCode).toBe(403);
    expect((await setAccess(as.admin, schools, 'everyone')).statusCode).toBe(400);
    const { rows } = await ctx().app.pg.pool.query(`SELECT details FROM audit_log WHERE action = 'layer.access' AND layer_id = $1 ORDER BY id`, [schools]);
    expect(rows.map((r) => r.details.after.readRole)).toEqual(['viewer', 'public']);
  });

  it('lists the members to their administrator, who takes a member\'s access away by removing the role, not by disabling the account', async () => {
    const { app } = ctx();
    const headers = { ...as.admin!.headers, 'x-municipality': code };
    const users = (await app.inject({ url: '/api/admin/users', headers })).json().users as { id: number; role: string }[];
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'editor', 'viewer']);
    expect((await app.inject({ url: '/api/admin/users', headers: { ...as.viewer!.headers, 'x-municipality': code } })).statusCode).toBe(403);

    // Disabling an account ends it in every municipality: platform administrators only.
    const off = await app.inject({ method: 'PUT', url: `/api/admin/users/${as.viewer!.id}/disabled`, headers, payload: { disabled: true } });
    expect(off.statusCode, off.body).toBe(403);
    const removed = await app.inject({ method: 'DELETE', url: `/api/admin/memberships/${as.viewer!.id}`, headers });
    expect(removed.statusCode, removed.body).toBe(204);
    const after = (await app.inject({ url: '/api/admin/users', headers })).json().users as { id: number }[];
    expect(after.map((u) => u.id)).not.toContain(as.viewer!.id);
    // An administrator of another municipality administers none of this one's members.
    const foreign = await app.inject({ method: 'DELETE', url: `/api/admin/memberships/${as.editor!.id}`, headers: as.otherAdmin!.headers });
    expect(foreign.statusCode).not.toBe(204);
  });
});
