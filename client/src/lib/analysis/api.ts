import { send } from '../api';

export type AnalysisTool = 'within-distance' | 'aggregate' | 'nearest' | 'point-in-polygon';

export interface AnalysisFeature {
  type: 'Feature';
  id: string | number;
  geometry: GeoJSON.Geometry | null;
  properties: Record<string, unknown>;
}

/** The answer of POST /api/analysis/<tool>: a temporary layer in EPSG:4326 with a summary. */
export interface AnalysisResult {
  tool: AnalysisTool;
  summary: { count: number; truncated: boolean } & Record<string, unknown>;
  features: { type: 'FeatureCollection'; features: AnalysisFeature[] };
  computedAt: string;
  elapsedMs: number;
}

/** Runs an analysis tool on the server (in PostGIS) with its parameters. */
export function runAnalysis(tool: AnalysisTool, params: Record<string, unknown>, opts: { signal?: AbortSignal } = {}): Promise<AnalysisResult> {
  return send<AnalysisResult>('POST', `/api/analysis/${tool}`, params, opts);
}

/** Saves a tool's result as a new dataset layer (editors and admins); the server runs the tool again. */
export function saveAnalysis(
  tool: AnalysisTool,
  params: Record<string, unknown>,
  title: { lv: string; en?: string },
  opts: { signal?: AbortSignal } = {},
): Promise<{ layerId: string; featureCount: number }> {
  return send('POST', '/api/analysis/save', { tool, params, title }, opts);
}
