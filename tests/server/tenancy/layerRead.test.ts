import { expect, it } from 'vitest';
import { filterBindsMunicipality, withLayerRead } from '../../../server/src/tenancy/scope.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

describeEachDatabase('reads bound to a layer’s municipality', (ctx) => {
  it("finds every municipal layer's own filter binding its municipality first", async () => {
    const layers = (await ctx().app.layers.list()).filter((l) => l.id.startsWith('testa-'));
    expect(layers.length).toBeGreaterThan(8);
    for (const layer of layers) {
      expect(filterBindsMunicipality(layer), layer.id).toBe(true);
      expect(filterBindsMunicipality(layer, 7), layer.id).toBe(true);
    }
  });

  it('does not count a shared layer, or a filter naming another municipality, as bound', async () => {
    const [layer] = (await ctx().app.layers.list()).filter((l) => l.id.startsWith('testa-'));
    expect(filterBindsMunicipality({ ...layer, municipalityId: null })).toBe(false);
    expect(filterBindsMunicipality({ ...layer, municipalityId: (layer.municipalityId ?? 0) + 1 })).toBe(false);
    const unfiltered = { municipalityId: layer.municipalityId, sql: { filter: () => ({ conditions: [], values: [] }) } };
    expect(filterBindsMunicipality(unfiltered)).toBe(false);
  });

  it('reads a bound layer as the connecting role, read-only, and any other inside the tenant scope', async () => {
    const { app } = ctx();
    const [layer] = (await app.layers.list()).filter((l) => l.id.startsWith('testa-'));
    const whoAmI = (db: { query: (sql: string) => Promise<{ rows: { role: string; ro: string }[] }> }) =>
      db.query(`SELECT current_setting('role') AS role, current_setting('transaction_read_only') AS ro`).then((r) => r.rows[0]);
    expect(await withLayerRead(app.pg.pool, layer, whoAmI)).toEqual({ role: 'none', ro: 'on' });
    const other = { ...layer, municipalityId: layer.municipalityId, sql: { filter: () => ({ conditions: [], values: [] }) } };
    expect((await withLayerRead(app.pg.pool, other, whoAmI)).role).toBe('gis_tenant');
  });
});
