import type { TileAddress } from './tileGrid.js';
import { tileBounds3857 } from './tileGrid.js';
import type { WmsLayer, WmsSource } from './types.js';

/** Pixel size of a proxied tile. */
export const TILE_SIZE = 256;

/** WMS request parameters we set; any copy in the source URL is dropped so ours win. */
const WMS_PARAMS = new Set(['service', 'request', 'version', 'layers', 'styles', 'crs', 'srs', 'bbox', 'width', 'height', 'format', 'transparent']);

/**
 * The source's base URL with its own query kept (e.g. MapServer's `map=`) and WMS parameters removed.
 * @example wmsBaseUrl('https://h/ows?map=X&SERVICE=WMS').search // '?map=X'
 */
export function wmsBaseUrl(url: string): URL {
  const base = new URL(url);
  for (const name of [...base.searchParams.keys()]) {
    if (WMS_PARAMS.has(name.toLowerCase())) base.searchParams.delete(name);
  }
  return base;
}

/**
 * The GetMap URL for one 256 px EPSG:3857 tile. EPSG:3857 has easting first in both WMS
 * versions; 1.3.0 names it CRS=, 1.1.1 SRS=. The key, when given, is added as the source's
 * key parameter; callers must keep this URL out of responses and logs.
 */
export function buildGetMapUrl(source: WmsSource, layer: WmsLayer, tile: TileAddress, key?: string): URL {
  const url = wmsBaseUrl(source.url);
  const params = url.searchParams;
  params.set('SERVICE', 'WMS');
  params.set('REQUEST', 'GetMap');
  params.set('VERSION', source.version);
  params.set('LAYERS', layer.name);
  params.set('STYLES', '');
  params.set(source.version === '1.3.0' ? 'CRS' : 'SRS', 'EPSG:3857');
  params.set('BBOX', tileBounds3857(tile).map((n) => n.toFixed(2)).join(','));
  params.set('WIDTH', String(TILE_SIZE));
  params.set('HEIGHT', String(TILE_SIZE));
  params.set('FORMAT', source.format);
  // Basemaps are opaque; an overlay of kind "other" in PNG keeps its transparency.
  params.set('TRANSPARENT', layer.kind === 'other' && source.format === 'image/png' ? 'TRUE' : 'FALSE');
  if (key) params.set(source.keyParam ?? 'key', key);
  return url;
}
