import { describe, expect, it } from 'vitest';
import type { BasemapCatalog } from '../../client/src/lib/api.js';
import { basemapOptions, firstOfKind, initialBasemap, tileUrlAt } from '../../client/src/lib/map/basemaps.js';
import { mapLayerSpec, opacityPaint, unionExtent } from '../../client/src/lib/layers/layerStyle.js';

const catalog: BasemapCatalog = {
  sources: [
    {
      id: 'lvm-geo',
      title: { lv: 'LVM GEO' },
      attribution: '© LVM GEO',
      keyRequired: false,
      available: true,
      layers: [
        { name: 'public:Orto_LKS', title: { lv: 'Ortofotokarte' }, kind: 'orthophoto', minZoom: 0, maxZoom: 20, tiles: ['/wms/lvm-geo/public%3AOrto_LKS/{z}/{x}/{y}.png'] },
        { name: 'public:Topo50', title: { lv: 'Topo' }, kind: 'topographic', minZoom: 0, maxZoom: 16, tiles: ['/wms/lvm-geo/public%3ATopo50/{z}/{x}/{y}.png'] },
      ],
    },
    { id: 'lgia', title: { lv: 'LĢIA' }, attribution: '© LĢIA', keyRequired: true, available: false, layers: [{ name: 'Ortofoto', title: { lv: 'Orto' }, kind: 'orthophoto', minZoom: 0, maxZoom: 20, tiles: ['/wms/lgia/Ortofoto/{z}/{x}/{y}.png'] }] },
  ],
  fallback: { id: 'none', title: { lv: 'Bez fona kartes' }, kind: 'plain', background: '#f3f1ec' },
  default: { sourceId: 'lvm-geo', layer: 'public:Orto_LKS' },
};

describe('basemaps', () => {
  it('lists every WMS layer and the offline fallback last', () => {
    const options = basemapOptions(catalog);
    expect(options.map((o) => o.key)).toEqual(['lvm-geo/public:Orto_LKS', 'lvm-geo/public:Topo50', 'lgia/Ortofoto', 'none']);
    expect(options[2].available).toBe(false);
    expect(basemapOptions(null).map((o) => o.key)).toEqual(['none']);
  });

  it('opens the permalink basemap when usable, else the default, else offline', () => {
    const options = basemapOptions(catalog);
    expect(initialBasemap(options, catalog, 'lvm-geo/public:Topo50')).toBe('lvm-geo/public:Topo50');
    expect(initialBasemap(options, catalog, 'lgia/Ortofoto')).toBe('lvm-geo/public:Orto_LKS');
    expect(initialBasemap(options, catalog, 'nonsense')).toBe('lvm-geo/public:Orto_LKS');
    expect(initialBasemap(basemapOptions(null), null)).toBe('none');
    expect(firstOfKind(options, 'orthophoto')?.key).toBe('lvm-geo/public:Orto_LKS');
  });

  it('finds the tile under a point', () => {
    // The z12 tile over Mārupe the WMS proxy tests use.
    expect(tileUrlAt('/t/{z}/{x}/{y}.png', 24.05, 56.9, 12)).toBe('/t/12/2321/1256.png');
  });
});

describe('layer style', () => {
  it('multiplies the style opacity by the user opacity', () => {
    expect(opacityPaint({ type: 'fill', paint: { 'fill-opacity': 0.7 } }, 0.5)).toEqual({ 'fill-opacity': 0.35 });
    expect(opacityPaint({ type: 'circle', paint: {} }, 0.4)).toEqual({ 'circle-opacity': 0.4, 'circle-stroke-opacity': 0.4 });
    expect(opacityPaint({ type: 'line', paint: { 'line-opacity': ['get', 'o'] } }, 0.5)).toEqual({ 'line-opacity': ['*', ['get', 'o'], 0.5] });
  });

  it('draws a catalog layer from its own tiles', () => {
    const spec = mapLayerSpec({ id: 'x-mains', style: { type: 'line', paint: { 'line-color': '#000' } }, minZoom: 0, maxZoom: 22 }, false, 1);
    expect(spec).toMatchObject({ id: 'data:x-mains', source: 'x-mains', 'source-layer': 'x-mains', layout: { visibility: 'none' } });
  });

  it('unites extents and skips empty layers', () => {
    expect(unionExtent([[24, 56.8, 24.1, 56.9], null, [23.9, 56.85, 24.05, 56.95]])).toEqual([23.9, 56.8, 24.1, 56.95]);
    expect(unionExtent([null])).toBeNull();
  });
});
