import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, signedInAs, type SignedIn } from '../../helpers/users.js';

const sites = 'testa-accommodation-sites';

/** Issue 16 item 4: the count and extent of a layer give positions away; only readers of its records get them. */
describeEachDatabase('metadata of layers the asker may not read', (ctx) => {
  const as: Partial<Record<'viewer' | 'official' | 'editor', SignedIn>> = {};

  beforeAll(async () => {
    const testa = await municipalityId(ctx().app, 'testa');
    for (const role of ['viewer', 'official', 'editor'] as const) as[role] = await signedInAs(ctx().app, role, testa);
  });

  const get = (url: string, who?: SignedIn) => ctx().app.inject({ url, headers: { 'x-municipality': 'testa', ...(who?.headers ?? {}) } });

  it.each([undefined, 'viewer', 'official'] as const)('gives %s no feature count, extent or TileJSON bounds of the accommodation layer', async (role) => {
    const who = role ? as[role] : undefined;
    const listed = (await get('/api/layers', who)).json().layers.find((l: { id: string }) => l.id === sites);
    const one = (await get(`/api/layers/${sites}`, who)).json();
    for (const layer of [listed, one]) {
      expect(layer).toMatchObject({ featureCount: null, extent: null, restricted: true });
      expect(layer.tileJson.bounds).toBeUndefined();
    }
    const collection = (await get(`/ogc/collections/${sites}`, who)).json();
    expect(collection).toMatchObject({ id: sites, restricted: true });
    expect(collection.extent).toBeUndefined();
    expect(JSON.stringify(collection)).not.toMatch(/bbox|numberMatched/);
  });

  it('gives editors, who read the records, the count and extent', async () => {
    const one = (await get(`/api/layers/${sites}`, as.editor)).json();
    expect(one.featureCount).toBeGreaterThan(0);
    expect(one.extent).toHaveLength(4);
    expect(one.tileJson.bounds).toEqual(one.extent);
    expect((await get(`/ogc/collections/${sites}`, as.editor)).json().extent.spatial.bbox[0]).toEqual(one.extent);
  });
});
