import type { AnalysisResult } from './api';

/**
 * The result as CSV: id, the properties (columns in first-seen order) and, for points, lon/lat.
 * Values holding the separator, quotes or line breaks are quoted.
 * @example resultCsv(result) // "id;name;distance_m;lon;lat\n1;Skola;490;24.1;56.9\n"
 */
export function resultCsv(result: AnalysisResult, separator = ';'): string {
  const columns: string[] = [];
  for (const f of result.features.features) for (const k of Object.keys(f.properties)) if (!columns.includes(k)) columns.push(k);
  const hasPoints = result.features.features.some((f) => f.geometry?.type === 'Point');
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.includes(separator) || s.includes('"') || /[\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = ['id', ...columns, ...(hasPoints ? ['lon', 'lat'] : [])];
  const lines = result.features.features.map((f) => {
    const point = f.geometry?.type === 'Point' ? (f.geometry.coordinates as number[]) : null;
    return [f.id, ...columns.map((c) => f.properties[c]), ...(hasPoints ? [point?.[0], point?.[1]] : [])].map(cell).join(separator);
  });
  return [header.join(separator), ...lines].join('\n') + '\n';
}

/** The result's features as a GeoJSON text (EPSG:4326). */
export function resultGeoJson(result: AnalysisResult): string {
  return JSON.stringify(result.features);
}

/** Offers a text as a file download. */
export function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
