/** Typed access to the server API. Every function takes an AbortSignal; callers abort stale requests. */

export interface LocalizedText {
  lv: string;
  en?: string;
  uk?: string;
}

export type LayerGroup = 'reference' | 'sewer' | 'streets' | 'accommodation' | 'uploads';
export type FieldType = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';
export type FieldFormat = 'cadastre' | 'address' | 'eur' | 'status' | 'percent';

export interface LayerField {
  name: string;
  type: FieldType;
  title: LocalizedText;
  restricted?: boolean;
  format?: FieldFormat;
  values?: Record<string, LocalizedText>;
}

export interface LayerStyle {
  type: 'circle' | 'line' | 'fill';
  paint: Record<string, unknown>;
}

/** [west, south, east, north] in WGS-84. */
export type Bbox = [number, number, number, number];

export interface Layer {
  id: string;
  municipalityId: number | null;
  group: LayerGroup;
  title: LocalizedText;
  description?: Partial<LocalizedText>;
  geometryType: string;
  fields: LayerField[];
  style: LayerStyle;
  restricted: boolean;
  minZoom: number;
  maxZoom: number;
  featureCount: number;
  extent: Bbox | null;
  dataVersion: number;
  tileJson: { tiles: string[]; minzoom: number; maxzoom: number; bounds?: Bbox };
}

export interface BasemapLayer {
  name: string;
  title: LocalizedText;
  kind: 'orthophoto' | 'topographic' | 'other';
  minZoom: number;
  maxZoom: number;
  bounds?: Bbox;
  tiles: string[];
}

export interface BasemapSource {
  id: string;
  title: LocalizedText;
  attribution: string;
  keyRequired: boolean;
  available: boolean;
  layers: BasemapLayer[];
}

export interface BasemapCatalog {
  sources: BasemapSource[];
  fallback: { id: 'none'; title: LocalizedText; kind: 'plain'; background: string };
  default: { sourceId: string; layer: string } | null;
}

export type FilterOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'contains' | 'in' | 'isNull' | 'notNull';

/** One structured condition of the attribute table; the server turns it into a parameterised query. */
export interface FeatureFilter {
  field: string;
  op: FilterOp;
  value?: string | number | boolean | (string | number)[];
}

export interface FeatureQuery {
  limit?: number;
  offset?: number;
  sort?: string;
  order?: 'asc' | 'desc';
  filter?: FeatureFilter[];
}

export type FeatureId = string | number;

export interface FeatureRow {
  id: FeatureId;
  properties: Record<string, unknown>;
  bbox: Bbox | null;
}

export interface FeaturePage {
  total: number;
  limit: number;
  offset: number;
  features: FeatureRow[];
}

export interface FeatureDetail extends FeatureRow {
  geometry: GeoJSON.Geometry;
}

export interface SearchResult {
  kind: 'address' | 'cadastre' | 'coordinates';
  label: string;
  center: [number, number];
  bbox?: Bbox;
  layerId?: string;
  featureId?: FeatureId;
}

export interface SearchAnswer {
  results: SearchResult[];
  hints?: string[];
}

interface Options {
  signal?: AbortSignal;
}

/** An API answer that was not 2xx; `status` lets callers treat 404 (endpoint or object absent) apart. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function getJson<T>(url: string, { signal }: Options = {}): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(body?.message ?? `${url.split('?')[0]} answered ${response.status}`, response.status);
  }
  return response.json() as Promise<T>;
}

/** Query string of the features list and export: paging, sort and the structured filter as JSON. */
export function featureQueryString(query: FeatureQuery): string {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.offset !== undefined) params.set('offset', String(query.offset));
  if (query.sort) {
    params.set('sort', query.sort);
    params.set('order', query.order ?? 'asc');
  }
  if (query.filter?.length) params.set('filter', JSON.stringify(query.filter));
  return params.toString();
}

const layerPath = (layerId: string) => `/api/layers/${encodeURIComponent(layerId)}`;

export const fetchLayers = async (opts: Options = {}) => (await getJson<{ layers: Layer[] }>('/api/layers', opts)).layers;

/** The basemap catalog, or null when the server has none (404): the client then uses the offline basemap. */
export async function fetchBasemaps(opts: Options = {}): Promise<BasemapCatalog | null> {
  try {
    return await getJson<BasemapCatalog>('/api/basemaps', opts);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export const fetchFeatures = (layerId: string, query: FeatureQuery, opts: Options = {}) =>
  getJson<FeaturePage>(`${layerPath(layerId)}/features?${featureQueryString(query)}`, opts);

export const fetchFeature = (layerId: string, id: FeatureId, opts: Options = {}) =>
  getJson<FeatureDetail>(`${layerPath(layerId)}/features/${encodeURIComponent(String(id))}`, opts);

/** Download URL of the filtered rows (all pages) as CSV or GeoJSON. */
export const exportUrl = (layerId: string, format: 'csv' | 'geojson', query: Omit<FeatureQuery, 'limit' | 'offset'>) => {
  const rest = featureQueryString(query);
  return `${layerPath(layerId)}/export?format=${format}${rest ? `&${rest}` : ''}`;
};

export const search = (q: string, opts: Options & { limit?: number } = {}) =>
  getJson<SearchAnswer>(`/api/search?${new URLSearchParams({ q, limit: String(opts.limit ?? 10) })}`, opts);

/**
 * Asks the WMS proxy for one tile and reads how it was served: "upstream-unavailable" or
 * "key-missing" mean the tile is a placeholder and the basemap is not usable now.
 */
export async function probeTile(url: string, opts: Options = {}): Promise<string> {
  const response = await fetch(url, { signal: opts.signal });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) return `http-${response.status}`;
  return response.headers.get('x-tile-status') ?? 'ok';
}
