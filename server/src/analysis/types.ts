/** Spatial analysis tools and their answers (issue 7); the API contract is in docs/dashboards.md. */

export type AnalysisTool = 'within-distance' | 'aggregate' | 'nearest' | 'point-in-polygon';

/** At most this many features come back; `summary.truncated` says when there were more. */
export const MAX_RESULT_FEATURES = 10_000;

export interface ResultFeature {
  type: 'Feature';
  id: string | number;
  geometry: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface AnalysisResult {
  tool: AnalysisTool;
  summary: { count: number; truncated: boolean } & Record<string, unknown>;
  /** GeoJSON in EPSG:4326. */
  features: { type: 'FeatureCollection'; features: ResultFeature[] };
  computedAt: string;
  elapsedMs: number;
}

export interface WithinDistanceRequest {
  layer: string;
  of: string;
  distance: number;
  outside?: boolean;
  /** features: the features of `layer`; buffer: the dissolved buffer polygon of `of`. */
  output?: 'features' | 'buffer';
}

export type AggregateStat = 'count' | 'sum' | 'length' | 'area';

export interface AggregateRequest {
  layer: string;
  by: string;
  stat: AggregateStat;
  field?: string;
  /** Only the features of `layer` whose fields equal these values, e.g. {"status": "applied"}. */
  where?: Where;
}

/** Equality conditions on public fields of a layer, e.g. {"kind": "gravity"}. */
export type Where = Record<string, string | number | boolean>;

export interface NearestRequest {
  layer: string;
  of: string;
  where?: Where;
  output?: 'lines' | 'points';
}

export interface PointInPolygonRequest {
  layer: string;
  by: string;
}
