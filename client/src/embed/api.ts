import { getJson, type Options } from '../lib/api';

/** GET /api/public/{municipality}/refugee-help: public data only, never individual accommodation sites. */
export interface ParishCapacity {
  name: string | { lv: string; en?: string; uk?: string };
  /** Free places; null when the count is small and suppressed. */
  freePlaces: number | null;
  suppressed?: boolean;
}

export interface RefugeeHelpData {
  municipality?: { code: string; name: string };
  aidPoints: GeoJSON.FeatureCollection;
  busStops: GeoJSON.FeatureCollection;
  /** Per parish or town: properties name, kind, sites, freePlaces (null when suppressed), suppressed; geometry the unit. */
  freePlaces: GeoJSON.FeatureCollection | ParishCapacity[];
}

export const fetchRefugeeHelp = (code: string, opts: Options = {}) => getJson<RefugeeHelpData>(`/api/public/${encodeURIComponent(code)}/refugee-help`, opts);

/** The capacity rows of either form, with the field spellings the server may use. */
export function capacityRows(parishes: RefugeeHelpData['freePlaces'] | undefined): (ParishCapacity & { geometry: GeoJSON.Geometry | null })[] {
  if (!parishes) return [];
  const list = Array.isArray(parishes) ? parishes.map((p) => ({ props: p as unknown as Record<string, unknown>, geometry: null })) : parishes.features.map((f) => ({ props: f.properties ?? {}, geometry: f.geometry }));
  return list.map(({ props, geometry }) => {
    const free = props.freePlaces ?? props.free_places ?? props.free ?? null;
    return {
      name: (props.name ?? props.title ?? '') as ParishCapacity['name'],
      freePlaces: typeof free === 'number' ? free : null,
      suppressed: props.suppressed === true || free === null,
      geometry,
    };
  });
}
