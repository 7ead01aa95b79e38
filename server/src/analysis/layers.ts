import { mayReadRecords, recordView } from '../access/layerAccess.js';
import type { SessionUser } from '../auth/roles.js';
import type { LayerRegistry, ResolvedLayer } from '../layers/registry.js';
import { forbidden, notFound, UserError } from '../plugins/errors.js';

/** A layer an analysis reads: the registry layer and the view of it this user gets (its fields). */
export interface AnalysisLayer {
  layer: ResolvedLayer;
  view: ResolvedLayer;
}

/**
 * The layer `id` of the request's municipality as this user may analyse it. Record-level results
 * (features, their positions, figures per polygon) need the right to read the layer's records.
 * @throws 404 for an unknown layer or one of another municipality, 401/403 without read access
 */
export async function analysisLayer(
  registry: LayerRegistry,
  municipalityId: number,
  user: SessionUser | null,
  id: string,
  param: string,
): Promise<AnalysisLayer> {
  const layer = await registry.get(id);
  if (!layer || layer.municipalityId !== municipalityId) {
    throw notFound(
      `There is no layer "${id}" (parameter "${param}") in this municipality. GET /api/layers lists the layers you can analyse.`,
    );
  }
  if (!mayReadRecords(user, layer)) {
    const why = layer.restricted
      ? `The layer "${id}" holds personal data; only editors and admins of its municipality may analyse its records.`
      : `The layer "${id}" is available only to the ${layer.readRole} role and stronger roles of its municipality.`;
    if (!user) throw new UserError(401, `${why} Sign in.`);
    throw forbidden(
      layer.restricted ? `${why} Per-parish counts with small numbers suppressed are at GET /api/layers/${id}/aggregate.` : why,
    );
  }
  return { layer, view: recordView(user, layer) };
}

/** Refuses a layer whose geometries are not of one of the kinds a tool needs. */
export function requireGeometry(l: AnalysisLayer, kinds: ('Point' | 'LineString' | 'Polygon')[], param: string, purpose: string): void {
  if (kinds.some((k) => l.layer.geometryType.endsWith(k))) return;
  const names = { Point: 'points', LineString: 'lines', Polygon: 'polygons' };
  throw new UserError(
    400,
    `"${param}" must be a layer of ${kinds.map((k) => names[k]).join(' or ')} ${purpose}; "${l.layer.id}" holds ${l.layer.geometryType} features.`,
  );
}
