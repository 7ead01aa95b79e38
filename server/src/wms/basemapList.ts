import type { BasemapSource } from '../routes/basemaps/schemas.js';
import type { CatalogSource } from './sourceCatalog.js';
import { MAX_ZOOM } from './types.js';

/**
 * The browser's view of a catalog source: titles, attribution and proxy tile URLs. Upstream URLs,
 * key variable names and keys stay on the server.
 */
export function describeBasemapSource(source: CatalogSource, keyConfigured: boolean, baseUrl: string): BasemapSource {
  return {
    id: source.id,
    title: source.title,
    attribution: source.attribution,
    origin: source.origin === 'file' ? 'catalog' : 'admin',
    keyRequired: !!source.keyEnv,
    available: !source.keyEnv || keyConfigured,
    layers: source.layers.map((layer) => ({
      name: layer.name,
      title: layer.title,
      kind: layer.kind,
      minZoom: layer.minZoom ?? 0,
      maxZoom: layer.maxZoom ?? MAX_ZOOM,
      ...(layer.bounds ? { bounds: layer.bounds } : {}),
      tiles: [`${baseUrl}/wms/${encodeURIComponent(source.id)}/${encodeURIComponent(layer.name)}/{z}/{x}/{y}.png`],
    })),
  };
}

/** The basemap to open with: the first available orthophoto, else the first available layer. */
export function defaultBasemap(sources: BasemapSource[]): { sourceId: string; layer: string } | null {
  const usable = sources.filter((s) => s.available);
  for (const kind of ['orthophoto', 'topographic', 'other'] as const) {
    for (const source of usable) {
      const layer = source.layers.find((l) => l.kind === kind);
      if (layer) return { sourceId: source.id, layer: layer.name };
    }
  }
  return null;
}

/** The plain background the client draws (with the municipality outline) when no WMS answers. */
export const offlineBasemap = {
  id: 'none' as const,
  title: { lv: 'Bez fona kartes', en: 'No basemap', uk: 'Без підкладки' },
  kind: 'plain' as const,
  background: '#f3f1ec',
};
