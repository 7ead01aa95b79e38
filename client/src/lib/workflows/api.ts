import { ApiError, getJson, send, type Options } from '../api';

/** Client of the editing, workflow, work list and accommodation API of issue 6 (server/src/routes/{edit,workflows,…}). */

export interface Localized {
  lv: string;
  en: string;
  uk: string;
}

export interface FormField {
  name: string;
  title: Localized;
  type: 'text' | 'integer' | 'number' | 'date' | 'boolean' | 'enum';
  required: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  options?: { value: string; title: Localized }[];
  readOnly?: boolean;
  restricted?: boolean;
}

export type WorkflowId = 'sewer-connections' | 'street-transfers' | 'accommodation';

export interface LayerForm {
  editable: boolean;
  geometryType: string;
  fields: FormField[];
  workflow?: WorkflowId;
}

export interface EditableFeature {
  type: 'Feature';
  id: number;
  geometry: GeoJSON.Geometry;
  properties: Record<string, unknown> & { version?: number; updated_at?: string };
}

export interface HistoryEntry {
  version: number | null;
  at: string;
  user: { name: string } | null;
  action: string;
  before: EditableFeature | null;
  after: EditableFeature | null;
}

export interface Workflow {
  id: WorkflowId;
  layerId: string;
  statuses: { value: string; title: Localized }[];
  transitions: Record<string, string[]>;
  required: Record<string, string[]>;
}

/** The 409 answer: somebody else changed (or deleted) the feature since the version the client had. */
export interface Conflict {
  message: string;
  current: EditableFeature | null;
  changedBy: { name: string } | null;
  changedAt: string | null;
}

/** Thrown for a 409 so the UI can show the other user's change and offer reload or overwrite. */
export class ConflictError extends Error {
  constructor(readonly conflict: Conflict) {
    super(conflict.message);
    this.name = 'ConflictError';
  }
}

const layerPath = (layerId: string) => `/api/layers/${encodeURIComponent(layerId)}`;
const featurePath = (layerId: string, id: number) => `${layerPath(layerId)}/features/${id}`;

async function conflictAware<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.body && typeof error.body === 'object') {
      const body = error.body as Partial<Conflict>;
      throw new ConflictError({ message: error.message, current: body.current ?? null, changedBy: body.changedBy ?? null, changedAt: body.changedAt ?? null });
    }
    throw error;
  }
}

const unwrap = (answer: EditableFeature | { feature: EditableFeature }): EditableFeature => ('feature' in answer ? answer.feature : answer);

export const fetchForm = (layerId: string, opts: Options = {}) => getJson<LayerForm>(`${layerPath(layerId)}/form`, opts);

export const fetchFeature = (layerId: string, id: number, opts: Options = {}) =>
  getJson<EditableFeature | { feature: EditableFeature }>(featurePath(layerId, id), opts).then(unwrap);

/** The feature with every field, its version and updated_at (editors and admins only). */
export const fetchEditableFeature = (layerId: string, id: number, opts: Options = {}) =>
  getJson<{ feature: EditableFeature }>(`${featurePath(layerId, id)}/editable`, opts).then(unwrap);

export const createFeature = (layerId: string, geometry: GeoJSON.Geometry, properties: Record<string, unknown>, opts: Options = {}) =>
  send<{ feature: EditableFeature }>('POST', `${layerPath(layerId)}/features`, { geometry, properties }, opts).then(unwrap);

export const updateFeature = (
  layerId: string,
  id: number,
  change: { version: number; geometry?: GeoJSON.Geometry; properties?: Record<string, unknown> },
  opts: Options = {},
) => conflictAware(send<EditableFeature | { feature: EditableFeature }>('PATCH', featurePath(layerId, id), change, opts)).then(unwrap);

export const deleteFeature = (layerId: string, id: number, version: number, opts: Options = {}) =>
  conflictAware(send<void>('DELETE', `${featurePath(layerId, id)}?version=${version}`, undefined, opts));

export const fetchHistory = (layerId: string, id: number, opts: Options = {}) => getJson<HistoryEntry[]>(`${featurePath(layerId, id)}/history`, opts);

export const restoreFeature = (layerId: string, id: number, version: number, toVersion: number, opts: Options = {}) =>
  conflictAware(send<EditableFeature | { feature: EditableFeature }>('POST', `${featurePath(layerId, id)}/restore`, { version, toVersion }, opts)).then(unwrap);

export const fetchWorkflows = (opts: Options = {}) => getJson<Workflow[]>('/api/workflows', opts);

export const transition = (workflow: WorkflowId, id: number, body: { to: string; version: number; date?: string } & Record<string, unknown>, opts: Options = {}) =>
  conflictAware(send<EditableFeature | { feature: EditableFeature }>('POST', `/api/workflows/${workflow}/${id}/transition`, body, opts)).then(unwrap);

/** One row of the sewer-unconnected work list (a connection not yet connected, or an address without one). */
export interface UnconnectedAddress {
  kind: 'connection' | 'address';
  id: number;
  address: string;
  cadastre_designation: string | null;
  status: string | null;
  village_id: number | null;
  village: string | null;
  distance_m: number;
  lon: number;
  lat: number;
}

export interface WorklistQuery {
  distance: number;
  /** Id of a village (territorial unit), or null for all. */
  village: number | null;
}

export const worklistQueryString = (q: WorklistQuery, format: 'json' | 'csv') => {
  const params = new URLSearchParams({ distance: String(q.distance), format });
  if (q.village) params.set('village', String(q.village));
  return params.toString();
};

export const fetchUnconnected = (q: WorklistQuery, opts: Options = {}) =>
  getJson<UnconnectedAddress[]>(`/api/worklists/sewer-unconnected?${worklistQueryString(q, 'json')}`, opts);

export interface SavedWorklist {
  id: number;
  name: string;
  kind: string;
  params: Record<string, unknown>;
  createdBy: string | null;
  createdAt: string;
}

export const saveWorklist = (name: string, query: WorklistQuery, opts: Options = {}) =>
  send<SavedWorklist>('POST', '/api/worklists', { name, kind: 'sewer-unconnected', params: query.village ? query : { distance: query.distance } }, opts);

export const fetchWorklist = (id: string, opts: Options = {}) =>
  getJson<{ worklist: SavedWorklist; rows: UnconnectedAddress[] }>(`/api/worklists/${encodeURIComponent(id)}`, opts);

/** A facility near an accommodation site (school, kindergarten, family doctor, shop, bus stop, aid point). */
export interface NearbyFacility {
  category: string;
  id: number | null;
  name: string | null;
  address: string | null;
  distance_m: number | null;
}

export const fetchNearby = (id: number, opts: Options = {}) => getJson<NearbyFacility[]>(`/api/accommodation/${id}/nearby`, opts);
