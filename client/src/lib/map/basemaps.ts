import type { BasemapCatalog, LocalizedText } from '../api';

export const offlineKey = 'none';

/** One basemap the user can pick: a WMS layer through the proxy, or the plain offline background. */
export interface BasemapOption {
  /** "<sourceId>/<layer>", or "none". */
  key: string;
  title: LocalizedText;
  sourceTitle?: LocalizedText;
  kind: 'orthophoto' | 'topographic' | 'other' | 'plain';
  tiles: string[];
  attribution: string;
  available: boolean;
  minZoom: number;
  maxZoom: number;
}

export const basemapKey = (sourceId: string, layer: string) => `${sourceId}/${layer}`;

/** The basemaps of the catalog (or only the offline one when there is no catalog). */
export function basemapOptions(catalog: BasemapCatalog | null): BasemapOption[] {
  const offline: BasemapOption = {
    key: offlineKey,
    title: catalog?.fallback.title ?? { lv: 'Bez fona kartes', en: 'No basemap', uk: 'Без підкладки' },
    kind: 'plain',
    tiles: [],
    attribution: '',
    available: true,
    minZoom: 0,
    maxZoom: 24,
  };
  const wms: BasemapOption[] = (catalog?.sources ?? []).flatMap((source) =>
    source.layers.map((layer) => ({
      key: basemapKey(source.id, layer.name),
      title: layer.title,
      sourceTitle: source.title,
      kind: layer.kind,
      tiles: layer.tiles,
      attribution: source.attribution,
      available: source.available,
      minZoom: layer.minZoom,
      maxZoom: layer.maxZoom,
    })),
  );
  return [...wms, offline];
}

/** The basemap to open: the one asked for (permalink) if usable, else the catalog's default, else offline. */
export function initialBasemap(options: BasemapOption[], catalog: BasemapCatalog | null, wanted?: string): string {
  const usable = (key?: string) => !!key && options.some((o) => o.key === key && o.available);
  if (usable(wanted)) return wanted!;
  const fallback = catalog?.default ? basemapKey(catalog.default.sourceId, catalog.default.layer) : undefined;
  return usable(fallback) ? fallback! : offlineKey;
}

/** The first usable basemap of a kind, for the quick switcher (orthophoto / topographic / offline). */
export function firstOfKind(options: BasemapOption[], kind: BasemapOption['kind']): BasemapOption | undefined {
  return options.find((o) => o.kind === kind && o.available);
}

/** URL of the tile under a point at zoom z, from an XYZ template: used to probe whether the upstream answers. */
export function tileUrlAt(template: string, lon: number, lat: number, z: number): string {
  const zoom = Math.max(0, Math.min(22, Math.round(z)));
  const n = 2 ** zoom;
  const x = Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
  const rad = (lat * Math.PI) / 180;
  const y = Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)));
  return template.replace('{z}', String(zoom)).replace('{x}', String(x)).replace('{y}', String(y));
}
