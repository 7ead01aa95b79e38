import { stringify } from 'csv-stringify';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { ResolvedLayer } from '../layers/registry.js';
import type { LayerField } from '../layers/types.js';
import type { ExportRow } from './repository.js';

/**
 * The attribute table's export files.
 *
 * CSV is written for Excel as Latvian offices run it, so a double click opens it with columns and
 * diacritics intact: UTF-8 with a byte-order mark (without it Excel reads Windows-1257 and garbles
 * "ā"), `;` between fields (the list separator of the Latvian locale; a `,` file opens as one
 * column), CRLF line ends, decimal commas in numbers ("1200,5"), dates as ISO YYYY-MM-DD (which
 * Excel recognises in any locale), coded values as their Latvian labels, yes/no as "jā"/"nē", and
 * headers from the Latvian field titles. Coordinates follow: X/Y in LKS-92 as Latvians write them
 * (X = northing, Y = easting, metres) and WGS-84 longitude/latitude; for lines and polygons these
 * are a point on the feature (PostGIS ST_PointOnSurface), not a WKT column, which would overflow
 * Excel's 32 767-character cell for real parcels.
 *
 * Both formats are written batch by batch as rows arrive from the database cursor; the cursor is
 * read to its end without waiting for a slow client, so the database connection (the only one of
 * the embedded database) is freed as soon as possible and the response buffers the rest.
 */

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const GEOJSON_CONTENT_TYPE = 'application/geo+json; charset=utf-8';

const POINT_TYPES = new Set(['Point', 'MultiPoint']);

/** The CSV header row: ID, the Latvian titles of the public fields, then the coordinates. */
export function csvHeader(layer: Pick<ResolvedLayer, 'fields' | 'geometryType'>): string[] {
  const where = POINT_TYPES.has(layer.geometryType) ? '' : ', punkts uz objekta';
  return [
    'ID',
    ...publicFields(layer).map((f) => f.title.lv),
    `X (LKS-92${where})`,
    `Y (LKS-92${where})`,
    `Garums (WGS-84${where})`,
    `Platums (WGS-84${where})`,
  ];
}

/** One CSV record for a feature, matching `csvHeader`. */
export function csvRecord(layer: Pick<ResolvedLayer, 'fields' | 'geometryType'>, row: ExportRow): string[] {
  const a = row.anchor;
  return [
    String(row.id),
    ...publicFields(layer).map((f) => csvValue(f, row.properties[f.name])),
    a ? decimalComma(a.y, 2) : '',
    a ? decimalComma(a.x, 2) : '',
    a ? decimalComma(a.lon, 7) : '',
    a ? decimalComma(a.lat, 7) : '',
  ];
}

/** A field value as a Latvian Excel user reads it. */
export function csvValue(field: Pick<LayerField, 'type' | 'values'>, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.values && typeof value === 'string' && field.values[value]) return field.values[value].lv;
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? String(value).replace('.', ',') : String(value);
    case 'integer':
      return String(value);
    case 'boolean':
      return value === true ? 'jā' : value === false ? 'nē' : String(value);
    default: {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      // A cell starting with = + - @ is a formula to Excel; a leading apostrophe keeps it text
      // (OWASP "CSV injection"), so an uploaded dataset cannot run formulas on an official's PC.
      return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    }
  }
}

function decimalComma(value: number, digits: number): string {
  return value.toFixed(digits).replace('.', ',');
}

function publicFields(layer: Pick<ResolvedLayer, 'fields'>): LayerField[] {
  return layer.fields.filter((f) => !f.restricted);
}

/** The export as a CSV stream (BOM, `;`, CRLF). */
export function csvStream(layer: ResolvedLayer, batches: AsyncIterable<ExportRow[]>): Readable {
  const out = stringify({ delimiter: ';', record_delimiter: 'windows', bom: true });
  out.write(csvHeader(layer));
  drain(batches, out, (batch) => {
    for (const row of batch) out.write(csvRecord(layer, row));
  });
  return out;
}

/** The export as a GeoJSON FeatureCollection stream in WGS-84 with the public properties. */
export function geojsonStream(batches: AsyncIterable<ExportRow[]>): Readable {
  const out = new PassThrough();
  out.write('{"type":"FeatureCollection","features":[\n');
  let first = true;
  drain(
    batches,
    out,
    (batch) => {
      const text = batch
        .map(
          (r) =>
            `{"type":"Feature","id":${JSON.stringify(r.id)},"geometry":${r.geometry ?? 'null'},` +
            `"properties":${JSON.stringify(r.properties)}}`,
        )
        .join(',\n');
      out.write(first ? text : `,\n${text}`);
      first = false;
    },
    ']}\n',
  );
  return out;
}

/** Reads every batch into the stream, then ends it; a database failure aborts the response. */
function drain(batches: AsyncIterable<ExportRow[]>, out: Writable, write: (batch: ExportRow[]) => void, tail?: string) {
  void (async () => {
    try {
      for await (const batch of batches) {
        if (out.destroyed) break;
        write(batch);
      }
      out.end(tail);
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
}
