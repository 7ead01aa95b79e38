/** What the URL hash holds: the view, the basemap and the visible layers (top first). */
export interface PermalinkState {
  zoom: number;
  /** [lon, lat] in WGS-84. */
  center: [number, number];
  /** Basemap key: "<sourceId>/<layer>", or "none" for the plain background. */
  base?: string;
  /** Visible layer ids. */
  layers?: string[];
}

export type ParsedPermalink =
  | { kind: 'empty' }
  | { kind: 'ok'; state: PermalinkState }
  | { kind: 'malformed'; reason: string };

const layerId = /^[A-Za-z0-9_.-]{1,64}$/;
const basemapKey = /^[A-Za-z0-9_.:/-]{1,200}$/;
const decimal = /^-?\d{1,3}(\.\d{1,12})?$/;

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Reads a hash like `#map=14/56.9201/24.0500&base=lvm-geo/public:Orto_LKS&layers=a,b`.
 * Anything malformed (bad numbers, out-of-range values, odd characters) makes the whole hash
 * `malformed` with a reason, so the caller can ignore it and say so, never apply half of it.
 */
export function parsePermalink(hash: string): ParsedPermalink {
  const text = hash.replace(/^#/, '').trim();
  if (!text) return { kind: 'empty' };
  if (text.length > 4000) return { kind: 'malformed', reason: 'the hash is too long' };
  const parts = new Map<string, string>();
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return { kind: 'malformed', reason: `"${pair.slice(0, 40)}" is not key=value` };
    const value = decode(pair.slice(eq + 1));
    if (value === null) return { kind: 'malformed', reason: `the value of ${pair.slice(0, eq)} is not valid URL encoding` };
    parts.set(pair.slice(0, eq), value);
  }
  const map = parts.get('map');
  if (map === undefined) return { kind: 'malformed', reason: 'map=zoom/lat/lon is missing' };
  const numbers = map.split('/');
  if (numbers.length !== 3 || !numbers.every((n) => decimal.test(n))) {
    return { kind: 'malformed', reason: `map=${map.slice(0, 60)} is not zoom/lat/lon` };
  }
  const [zoom, lat, lon] = numbers.map(Number);
  if (zoom < 0 || zoom > 24) return { kind: 'malformed', reason: `zoom ${zoom} is outside 0–24` };
  if (lat < -85.06 || lat > 85.06) return { kind: 'malformed', reason: `latitude ${lat} is outside ±85` };
  if (lon < -180 || lon > 180) return { kind: 'malformed', reason: `longitude ${lon} is outside ±180` };
  const state: PermalinkState = { zoom, center: [lon, lat] };

  const base = parts.get('base');
  if (base !== undefined) {
    if (!basemapKey.test(base)) return { kind: 'malformed', reason: 'base= has characters a basemap key cannot have' };
    state.base = base;
  }
  const layers = parts.get('layers');
  if (layers !== undefined) {
    const ids = layers === '' ? [] : layers.split(',');
    if (ids.length > 500 || !ids.every((id) => layerId.test(id))) {
      return { kind: 'malformed', reason: 'layers= must be layer ids separated by commas' };
    }
    state.layers = [...new Set(ids)];
  }
  return { kind: 'ok', state };
}

/** Enough decimals for about a pixel at this zoom (MapLibre's own hash does the same). */
function precision(zoom: number): number {
  return Math.max(0, Math.ceil(Math.log10(Math.pow(2, zoom) / 360 * 512)));
}

/** The hash for a view; the inverse of parsePermalink. */
export function formatPermalink(state: PermalinkState): string {
  const digits = precision(state.zoom);
  const [lon, lat] = state.center;
  let hash = `#map=${(Math.round(state.zoom * 100) / 100).toString()}/${lat.toFixed(digits)}/${lon.toFixed(digits)}`;
  // Keep ":" and "/" readable in basemap keys; they are legal in a fragment.
  if (state.base) hash += `&base=${encodeURIComponent(state.base).replace(/%3A/gi, ':').replace(/%2F/gi, '/')}`;
  if (state.layers) hash += `&layers=${state.layers.map(encodeURIComponent).join(',')}`;
  return hash;
}
