import { expect, it } from 'vitest';
import { tileStatement } from '../../../server/src/tiles/tileQueries.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

describeEachDatabase('tile SQL of the layer registry', (ctx) => {
  it("keeps every municipal layer's tiles to that municipality in the SQL itself, for both encodings", async () => {
    const { app } = ctx();
    const layers = (await app.layers.list()).filter((l) => l.id.startsWith('testa-'));
    expect(layers.length).toBeGreaterThan(8);
    for (const layer of layers) {
      for (const encoding of ['postgis', 'server'] as const) {
        const statement = tileStatement(layer, encoding);
        const param = encoding === 'postgis' ? 5 : 4;
        expect(statement.municipalityBound, `${layer.id} ${encoding}`).toBe(true);
        expect(statement.text).toContain(`AND "municipality_id" = $${param}`);
        expect(statement.values({ z: 14, x: 9286, y: 5026 })[param - 1]).toBe(layer.municipalityId);
      }
    }
  });

  it('does not count a layer shared by all municipalities as bound to one', async () => {
    const { app } = ctx();
    const [layer] = (await app.layers.list()).filter((l) => l.id.startsWith('testa-'));
    const shared = { ...layer, municipalityId: null };
    expect(tileStatement(shared, 'postgis').municipalityBound).toBe(false);
    const other = { ...layer, municipalityId: (layer.municipalityId ?? 0) + 1 };
    expect(tileStatement(other, 'postgis').municipalityBound).toBe(false);
  });
});
