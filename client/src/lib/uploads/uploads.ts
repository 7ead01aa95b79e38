import { ApiError, type PublishRequest, type Upload, type UploadLayer, type UploadProblem, type UploadStatus } from '../api';
import { catalogs, translate, type Locale, type MessageKey } from '../i18n/messages';

/** File name endings the server reads (GDAL); files without an ending are sent too and sniffed there. */
export const acceptedExtensions = ['.zip', '.gpkg', '.geojson', '.json', '.kml', '.kmz', '.gpx', '.dxf', '.csv', '.xlsx'] as const;

/** The `accept` attribute of the file picker. */
export const acceptAttribute = acceptedExtensions.join(',');

/**
 * Whether a file name is one the server can read: a known ending (any case) or no ending at all.
 * @example isAcceptedFile('Pieslēgumi.ZIP') // true
 * @example isAcceptedFile('notes.docx') // false
 */
export function isAcceptedFile(name: string): boolean {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return base.length > 0;
  return (acceptedExtensions as readonly string[]).includes(base.slice(dot).toLowerCase());
}

/** Statuses in which the server is still working and the job should be polled. */
export const isWorking = (status: UploadStatus) => status === 'queued' || status === 'analysing' || status === 'importing';

/** CRS a user can choose when a file has none or a wrong one; EPSG:3059 (LKS-92 / Latvia TM) first and suggested. */
export const crsChoices = ['EPSG:3059', 'EPSG:25884', 'EPSG:4326', 'EPSG:3857', 'EPSG:3035'] as const;
export const suggestedCrs = 'EPSG:3059';

/** Whether publishing this layer needs a CRS chosen by the user (none found, or it puts the data outside Latvia). */
export const needsCrs = (layer: UploadLayer) => !layer.crs || !!layer.crsProblem;

/**
 * The problems that concern one layer of the upload: those naming it, or the source layer it was
 * split from by geometry type, and those naming no layer (they concern all).
 */
export const problemsOf = (problems: UploadProblem[], layer: UploadLayer | undefined) =>
  problems.filter((p) => !p.layer || !layer || p.layer === layer.name || p.layer === layer.stagedLayer);

/**
 * A problem in the UI language, from its code and parameters; the server's English message when
 * this client does not know the code.
 * @example problemText('lv', { code: 'archive.encrypted', params: { name: 'a.shp' }, message: '…' }) // "a.shp zip arhīvā ir šifrēts; …"
 */
export function problemText(locale: Locale, problem: UploadProblem): string {
  const key = `upload.problem.${problem.code}` as MessageKey;
  return problem.code && key in catalogs.lv ? translate(locale, key, problem.params) : problem.message;
}

/** The text of a failed request: the problem its answer names (`details.code`) in the UI language, else its message. */
export function requestErrorText(locale: Locale, err: unknown): string {
  if (err instanceof ApiError) {
    const details = (err.body as { details?: { code?: unknown; params?: unknown } } | undefined)?.details;
    if (typeof details?.code === 'string') return problemText(locale, { code: details.code, params: details.params as UploadProblem['params'], message: err.message });
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The layers of a published upload still to publish (with a geometry), e.g. the rest of a GeoPackage. */
export const layersLeft = (upload: Upload) => (upload.status === 'done' ? upload.layers.filter((l) => !l.publishedAs && l.geometryType) : []);

/** The fields ticked when a layer is first shown: all but the columns GDAL adds to every layer of the format. */
export const defaultKeep = (layer: UploadLayer) => layer.fields.filter((f) => !f.suggestDrop).map((f) => f.name);

/** The choices that follow from the layer shown: its fields ticked by default, its CRS unless one must be chosen. */
export const layerChoices = (layer: UploadLayer): Pick<PublishChoices, 'layer' | 'keep' | 'crs'> => ({
  layer,
  keep: defaultKeep(layer),
  crs: needsCrs(layer) ? '' : (layer.crs ?? ''),
});

/** How long to wait before the next poll: quick at first, then every 1.5 s. */
export const pollDelay = (attempt: number) => Math.min(250 * 2 ** attempt, 1500);

export interface PublishChoices {
  layer: UploadLayer;
  titleLv: string;
  titleEn: string;
  /** Column names to keep. */
  keep: string[];
  /** The CRS chosen in the form ('' = the detected one). */
  crs: string;
  /** '' = a new layer. */
  replaceLayerId: string;
}

/** Why the form cannot be sent yet, as a message key; null when it can. */
export function publishBlocker(choices: PublishChoices): 'publish.needTitle' | 'publish.needCrs' | 'publish.noGeometry' | null {
  if (!choices.layer.geometryType) return 'publish.noGeometry';
  if (!choices.titleLv.trim()) return 'publish.needTitle';
  if (needsCrs(choices.layer) && !choices.crs) return 'publish.needCrs';
  return null;
}

/**
 * The publish request for the choices: only what differs from the defaults is sent (all fields,
 * the detected CRS, the only layer), so the server's own defaults stay in charge.
 */
export function publishRequest(upload: Upload, choices: PublishChoices): PublishRequest {
  const request: PublishRequest = { title: { lv: choices.titleLv.trim() } };
  if (choices.titleEn.trim()) request.title.en = choices.titleEn.trim();
  if (upload.layers.length > 1) request.layer = choices.layer.name;
  const all = choices.layer.fields.map((f) => f.name);
  if (choices.keep.length !== all.length || !all.every((n) => choices.keep.includes(n))) request.fields = all.filter((n) => choices.keep.includes(n));
  if (choices.crs && choices.crs !== choices.layer.crs) request.crs = choices.crs;
  if (choices.replaceLayerId) request.replaceLayerId = choices.replaceLayerId;
  return request;
}

/** A byte count as people read it: "12,3 MB" (binary units, one decimal under 100). */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
