import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { publishedColumnType } from '../columnTypes.js';
import { timed } from '../profile.js';
import { geojsonToEwkb, type CheckedGeometry } from './geojsonToEwkb.js';
import type { GeoJsonSchema } from './geojsonSchema.js';
import { newStagingTable } from './directStage.js';
import { quoteIdentifier as quote } from '../../db/identifier.js';

/** A feature of a checked GeoJSON FeatureCollection. */
export interface CheckedFeature {
  properties?: Record<string, unknown> | null;
  geometry?: CheckedGeometry | null;
}

/** COPY's text format: backslash, tab and line breaks escaped, null as \N. */
const copyText = (s: string) => (/[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : s);
const rowsPerChunk = 1000;

/**
 * Stages the features of a parsed, checked GeoJSON by COPY into a new logged table of the job,
 * in the form publishing keeps: `_upload_fid` integer key from 1 in file order, the fields under
 * their own names in their published column types, `_upload_geom` of the schema's type, labelled
 * EPSG:3059 like every staged geometry, 2D, polygons wound by the right-hand rule. A table in that
 * form is published by renaming (no rewrite) when its geometries are valid and in LKS-92. The
 * file is parsed once (by the check) instead of three times (check, GDAL's schema pass, GDAL's
 * read). Needs a database that takes COPY FROM STDIN (not the embedded one); a failure leaves no
 * table behind.
 * @returns the staging table's name
 */
export async function stageGeoJsonByCopy(pool: pg.Pool, jobId: string, features: CheckedFeature[], schema: GeoJsonSchema): Promise<string> {
  const table = newStagingTable(jobId);
  const multi = schema.geometryType.startsWith('Multi');
  const columns = schema.fields.map((f) => `${quote(f.name)} ${publishedColumnType(f.type)}`);
  const values = schema.fields.map((f) => {
    const key = f.name;
    if (f.type === 'String') return (p: Record<string, unknown>) => (p[key] == null ? '\\N' : copyText(p[key] as string));
    if (f.type === 'Boolean') return (p: Record<string, unknown>) => (p[key] == null ? '\\N' : p[key] ? 't' : 'f');
    return (p: Record<string, unknown>) => (p[key] == null ? '\\N' : String(p[key]));
  });
  function* chunks() {
    let lines: string[] = [];
    for (let i = 0; i < features.length; i++) {
      const f = features[i];
      const p = f.properties ?? {};
      let line = String(i + 1);
      for (const value of values) line += `\t${value(p)}`;
      line += `\t${f.geometry ? geojsonToEwkb(f.geometry, 3059, multi) : '\\N'}\n`;
      lines.push(line);
      if (lines.length === rowsPerChunk) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length) yield lines.join('');
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(
      `CREATE TABLE ${quote(table)} (_upload_fid integer PRIMARY KEY${columns.map((c) => `, ${c}`).join('')}, _upload_geom geometry(${schema.geometryType}, 3059))`,
    );
    const names = ['_upload_fid', ...schema.fields.map((f) => f.name), '_upload_geom'].map(quote).join(', ');
    await timed('analyse: GeoJSON COPY to staging table', () => pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${quote(table)} (${names}) FROM STDIN`))));
    await client.query('COMMIT');
    return table;
  } catch (err) {
    broken = err as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`staging the GeoJSON by COPY into ${table}`, { cause: err });
  } finally {
    // A connection whose COPY failed is not given back to the pool.
    client.release(broken);
  }
}
