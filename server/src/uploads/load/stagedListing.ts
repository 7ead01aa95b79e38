import path from 'node:path';
import type pg from 'pg';
import type { DatasetInfo } from '../gdal/types.js';
import type { GeoJsonSummary } from '../geojsonCheck.js';
import { stagingColumns } from './directStage.js';

/** The OGR field type behind each column type ogr2ogr creates in PostgreSQL. */
const ogrTypeOf: Record<string, string> = {
  smallint: 'Integer',
  integer: 'Integer',
  bigint: 'Integer64',
  real: 'Real',
  'double precision': 'Real',
  numeric: 'Real',
  boolean: 'Boolean',
  date: 'Date',
  'time without time zone': 'Time',
  'timestamp with time zone': 'DateTime',
  'timestamp without time zone': 'DateTime',
  'character varying': 'String',
  character: 'String',
  text: 'String',
  json: 'String',
  jsonb: 'String',
  'integer[]': 'IntegerList',
  'bigint[]': 'Integer64List',
  'double precision[]': 'RealList',
  'real[]': 'RealList',
  'character varying[]': 'StringList',
  'text[]': 'StringList',
  bytea: 'Binary',
};

/**
 * A GeoJSON's listing, as `ogrinfo` would give it, from what is already at hand: its staging table
 * (ogr2ogr wrote its fields with GDAL's own types and order) and the JSON check's summary (the
 * layer's name, CRS and Z). It spares a third reading of the whole file by ogrinfo. Undefined when
 * it cannot be told this way (a CRS that is not a plain EPSG name, a column type of another kind);
 * the caller then lists the file with ogrinfo.
 * @param file the dataset's name in the upload, whose base name GDAL gives a layer without "name"
 */
export async function stagedGeoJsonListing(db: pg.Pool, table: string, summary: GeoJsonSummary, file: string): Promise<DatasetInfo | undefined> {
  if (summary.epsg === undefined) return undefined;
  const fields: { name: string; type: string }[] = [];
  for (const column of await stagingColumns(db, table)) {
    if (column.name === '_upload_fid' || column.name === '_upload_geom') continue;
    const type = ogrTypeOf[column.type];
    if (!type) return undefined;
    fields.push({ name: column.name, type });
  }
  return geoJsonListing(summary, file, fields);
}

/**
 * A GeoJSON's listing as `ogrinfo` would give it, from the JSON check's summary and the fields
 * with GDAL's types; undefined for a CRS that is not a plain EPSG name.
 * @param file the dataset's name in the upload, whose base name GDAL gives a layer without "name"
 */
export function geoJsonListing(summary: GeoJsonSummary, file: string, fields: { name: string; type: string }[]): DatasetInfo | undefined {
  if (summary.epsg === undefined) return undefined;
  return {
    driver: 'GeoJSON',
    layers: [
      {
        name: summary.name ?? path.basename(file, path.extname(file)),
        // What ogrinfo reports for a GeoJSON of mixed or unknown types; the staged rows tell the rest.
        geometryType: summary.hasZ ? '3D Unknown (any)' : 'Unknown (any)',
        featureCount: -1,
        // GDAL calls WGS 84 with heights WGS 84 3D (EPSG:4979), and so does the preview.
        epsg: summary.epsg === 4326 && summary.hasZ ? 4979 : summary.epsg,
        fields,
      },
    ],
  };
}
