/** Typed access to the server API. Every function takes an AbortSignal; callers abort stale requests. */
import { catalogs, defaultLocale, isLocale, translate, type Locale, type MessageKey, type MessageParams } from './i18n/messages';

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
  /** What the signed-in user (or an anonymous visitor) may read, as the server decided. */
  access: { records: boolean; restrictedFields: boolean };
  minZoom: number;
  maxZoom: number;
  /** null unless the user may read the records (count and extent would give away positions). */
  featureCount: number | null;
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

export interface Options {
  signal?: AbortSignal;
}

/** An API answer that was not 2xx; `status` lets callers treat 404 (endpoint or object absent) apart. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The answer's JSON body (e.g. a 409's current feature), when it had one. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The UI language, which lib/i18n mirrors in `<html lang>`; Latvian outside a page. */
const pageLocale = (): Locale => {
  const lang = typeof document === 'undefined' ? undefined : document.documentElement.lang;
  return isLocale(lang) ? lang : defaultLocale;
};

/**
 * What to tell the user about a failed answer: the UI language's wording of its `code` when this
 * client knows it (`server.<code>` in the message catalogs), else the server's own message.
 */
export function messageOf(
  body: { code?: unknown; message?: unknown; params?: unknown } | null,
  url: string,
  status: number,
  locale: Locale = pageLocale(),
): string {
  const key = typeof body?.code === 'string' ? `server.${body.code}` : '';
  if (key && key in catalogs.lv) return translate(locale, key as MessageKey, (body?.params ?? {}) as MessageParams);
  return typeof body?.message === 'string' ? body.message : `${url.split('?')[0]} answered ${status}`;
}

/** The municipality requests are about (X-Municipality), or null for the server's default. */
let requestMunicipality: string | null = null;

/** Sets the municipality every later API request names (see lib/auth/municipality.ts). */
export function setRequestMunicipality(code: string | null): void {
  requestMunicipality = code;
}

const scopeHeaders = (): Record<string, string> => (requestMunicipality ? { 'x-municipality': requestMunicipality } : {});

export async function getJson<T>(url: string, { signal }: Options = {}): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json', ...scopeHeaders() } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(messageOf(body, url, response.status), response.status);
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

// ---- Accounts (docs/accounts.md) -------------------------------------------------------------

export type Role = 'viewer' | 'official' | 'editor' | 'admin';

export interface Membership {
  municipalityId: number;
  municipalityCode: string;
  /** Older servers leave it out. */
  municipalityName?: string;
  role: Role;
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  language: 'lv' | 'en' | 'uk';
  /** Administrator of every municipality; older servers leave it out. */
  platformAdmin?: boolean;
  memberships: Membership[];
}

interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

/**
 * The session's CSRF token, kept in memory only (never in storage a script on another page could
 * read); sent as X-CSRF-Token on every request that changes data.
 */
let csrfToken: string | null = null;

const csrfHeaders = (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {});

async function failure(response: Response, url: string): Promise<ApiError> {
  const body = await response.json().catch(() => null);
  return new ApiError(messageOf(body, url, response.status), response.status, body ?? undefined);
}

/** POST/PUT/PATCH/DELETE with a JSON body (or none) and the CSRF token; the JSON answer, or undefined for 204. */
export async function send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body: unknown, { signal }: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...scopeHeaders(), ...csrfHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, signal, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await failure(response, url);
  if (response.status === 204) return undefined as T;
  return (await response.json().catch(() => undefined)) as T;
}

/**
 * Who is signed in: the user, null when nobody is (401), or `'unavailable'` when the server has no
 * accounts (404), so the UI can hide the sign-in control.
 */
export async function fetchSession(opts: Options = {}): Promise<SessionUser | null | 'unavailable'> {
  try {
    const answer = await getJson<SessionAnswer>('/api/auth/me', opts);
    csrfToken = answer.csrfToken;
    return answer.user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      csrfToken = null;
      return null;
    }
    if (err instanceof ApiError && err.status === 404) return 'unavailable';
    throw err;
  }
}

/** Signs in; the server sets the httpOnly session cookie and this keeps its CSRF token. */
export async function signIn(email: string, password: string, opts: Options = {}): Promise<SessionUser> {
  const answer = await send<SessionAnswer>('POST', '/api/auth/login', { email, password }, opts);
  csrfToken = answer.csrfToken;
  return answer.user;
}

export async function signOut(opts: Options = {}): Promise<void> {
  try {
    await send<void>('POST', '/api/auth/logout', undefined, opts);
  } finally {
    csrfToken = null;
  }
}

// ---- Dataset uploads (issue 4) ---------------------------------------------------------------

export type UploadStatus = 'queued' | 'analysing' | 'ready' | 'importing' | 'done' | 'failed';

export interface UploadProblem {
  /** The kind of problem; the Data page words it from `upload.problem.<code>`. */
  code?: string;
  params?: Record<string, string | number>;
  /** The server's English wording, shown when the code is unknown to this client. */
  message: string;
  /** 0-based position of the feature in its source layer. */
  featureIndex?: number;
  layer?: string;
}

export interface UploadField {
  /** Column name the published layer gets. */
  name: string;
  /** The field name in the file. */
  sourceName: string;
  type: FieldType;
  /** A column the format's GDAL driver adds to every layer (KML's begin, end, …): unticked at first. */
  suggestDrop?: boolean;
}

export interface UploadLayer {
  name: string;
  dataset?: string;
  geometryType: string | null;
  featureCount: number;
  /** `EPSG:nnnn`, or null when it must be chosen. */
  crs: string | null;
  /** Set when the CRS is missing or puts the data outside Latvia. */
  crsProblem?: string;
  fields: UploadField[];
  encoding: string | null;
  /** The file layer this one was split from by geometry type (its problems name that layer). */
  stagedLayer?: string;
  /** The layer id it was published as (the upload's other layers can still be published). */
  publishedAs?: string;
}

export interface Upload {
  id: string;
  status: UploadStatus;
  /** 0–1. */
  progress: number;
  fileName: string;
  format: string | null;
  layers: UploadLayer[];
  warnings: UploadProblem[];
  errors: UploadProblem[];
  layerId?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface UploadOptions {
  crs?: string;
  encoding?: string;
  layer?: string;
}

export interface PublishRequest {
  layer?: string;
  title: { lv: string; en?: string };
  fields?: string[];
  crs?: string;
  replaceLayerId?: string;
}

export interface DatasetVersion {
  version: number;
  fileName: string;
  featureCount: number;
  geometryType: string;
  sourceCrs: string | null;
  current: boolean;
  createdAt: string;
}

export interface Dataset {
  layerId: string;
  title: LocalizedText;
  geometryType: string;
  /** Who reads it: 'public', or the weakest role of the municipality that does ('viewer' for new datasets). */
  readRole: 'public' | 'viewer' | 'official' | 'editor' | 'admin';
  currentVersion: number | null;
  versions: DatasetVersion[];
  /** Bytes the kept versions' tables take on disk. */
  historyBytes: number;
}

/**
 * Sends a file as multipart/form-data (options first, as the server reads them before the file)
 * with XMLHttpRequest, whose upload events give real byte progress (fetch has none for bodies).
 * @param onProgress called with 0–1 as bytes leave the browser
 * @returns the id of the upload job
 */
export function uploadFile(file: File, options: UploadOptions, onProgress: (fraction: number) => void, { signal }: Options = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(options)) if (value) form.append(name, value);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads');
    xhr.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries({ ...scopeHeaders(), ...csrfHeaders() })) xhr.setRequestHeader(name, value);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { id?: string; message?: string } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.id) {
        onProgress(1);
        resolve(body.id);
      } else {
        reject(new ApiError(messageOf(body, '/api/uploads', xhr.status), xhr.status, body ?? undefined));
      }
    };
    xhr.onerror = () => reject(new ApiError('the upload was interrupted (network error)', 0));
    const abort = () => xhr.abort();
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    signal?.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', abort);
    xhr.send(form);
  });
}

const uploadPath = (id: string) => `/api/uploads/${encodeURIComponent(id)}`;
const datasetPath = (layerId: string) => `/api/datasets/${encodeURIComponent(layerId)}`;

export const fetchUpload = (id: string, opts: Options = {}) => getJson<Upload>(uploadPath(id), opts);

export const publishUpload = (id: string, request: PublishRequest, opts: Options = {}) =>
  send<{ id: string }>('POST', `${uploadPath(id)}/publish`, request, opts);

export const fetchDatasets = async (opts: Options = {}) => (await getJson<{ datasets: Dataset[] }>('/api/datasets', opts)).datasets;

export const deleteDataset = (layerId: string, opts: Options = {}) => send<void>('DELETE', datasetPath(layerId), undefined, opts);

/** Makes a dataset public, or readable only by the municipality's signed-in roles (editors and admins; audited). */
export const setDatasetPublic = (layerId: string, isPublic: boolean, opts: Options = {}) =>
  send<Dataset>('PUT', `${datasetPath(layerId)}/access`, { public: isPublic }, opts);

export const restoreDataset = (layerId: string, version: number, opts: Options = {}) =>
  send<Dataset>('POST', `${datasetPath(layerId)}/restore`, { version }, opts);
