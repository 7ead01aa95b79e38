import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { fixture } from '../../helpers/fixtureMunicipality.js';

describeEachDatabase('GET /api/layers', (ctx) => {
  it('lists the fixture layers with titles in three languages, counts and WGS-84 extents', async () => {
    const res = await ctx().app.inject('/api/layers');
    expect(res.statusCode).toBe(200);
    const layers: any[] = res.json().layers;
    const connections = layers.find((l) => l.id === 'testa-sewer-connections');
    expect(connections.title).toEqual({ lv: 'Kanalizācijas pieslēgumi', en: 'Sewer connections', uk: 'Підключення до каналізації' });
    expect(connections.featureCount).toBe(fixture.sewerConnectionCount);
    expect(connections.geometryType).toBe('Point');
    const [w, s, e, n] = connections.extent;
    expect(w).toBeGreaterThan(23.9);
    expect(e).toBeLessThan(24.2);
    expect(s).toBeGreaterThan(56.8);
    expect(n).toBeLessThan(57);
    expect(connections.tileJson.tiles[0]).toMatch(/\/api\/tiles\/testa-sewer-connections\/\{z\}\/\{x\}\/\{y\}\.mvt\?v=\d+$/);
    expect(layers.find((l) => l.id === 'testa-addresses').featureCount).toBe(fixture.addressCount);
  });

  it('marks the accommodation layer restricted and keeps contact fields out of its tile schema', async () => {
    const res = await ctx().app.inject('/api/layers/testa-accommodation-sites');
    const layer = res.json();
    expect(layer.restricted).toBe(true);
    expect(layer.tileJson.vector_layers[0].fields).not.toHaveProperty('contact_phone');
    expect(layer.fields.find((f: any) => f.name === 'contact_phone').restricted).toBe(true);
  });

  it('answers an unknown layer with 404 and a hint', async () => {
    const res = await ctx().app.inject('/api/layers/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/no layer "nope"/);
  });
});
