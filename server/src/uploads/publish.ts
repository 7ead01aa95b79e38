import type pg from 'pg';
import { NEW_DATASET_READ_ROLE } from '../access/layerAccess.js';
import type { GeometryType, LayerField } from '../layers/types.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { publishedColumnType } from './columnTypes.js';
import { crsLabel, parseEpsg } from './crs.js';
import { datasets } from './datasets.js';
import { dropStaging } from './load/directStage.js';
import { problemError, type ProblemCode } from './problems.js';
import { timed } from './profile.js';
import type { PublishRequest, UploadField, UploadJob, UploadLayer } from './types.js';
import { quoteIdentifier as quote } from '../db/identifier.js';

const castFn: Record<string, string> = {
  Integer: 'upload_integer',
  Integer64: 'upload_number',
  Real: 'upload_number',
  Boolean: 'upload_boolean',
  Date: 'upload_date',
  DateTime: 'upload_timestamp',
};

const palette = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#800000'];

/** A default MapLibre style for a new uploaded layer, by geometry type. */
export function defaultStyle(type: GeometryType, seed: string): Record<string, unknown> {
  const color = palette[[...seed].reduce((a, c) => a + c.charCodeAt(0), 0) % palette.length];
  if (type.endsWith('Point')) {
    return { type: 'circle', paint: { 'circle-color': color, 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } };
  }
  if (type.endsWith('LineString')) return { type: 'line', paint: { 'line-color': color, 'line-width': 2 } };
  return { type: 'fill', paint: { 'fill-color': color, 'fill-opacity': 0.35, 'fill-outline-color': color } };
}

/** The source layer a publish request means: the named one, or the only one. */
export function chooseLayer(job: UploadJob, name?: string): UploadLayer {
  if (name) {
    const layer = job.layers.find((l) => l.name === name);
    if (!layer) throw problemError(400, 'publish.noSuchLayer', { layer: name, layers: job.layers.map((l) => l.name).join(', ') });
    return layer;
  }
  if (job.layers.length !== 1) {
    throw problemError(400, 'publish.whichLayer', { count: job.layers.length, layers: job.layers.map((l) => l.name).join(', ') });
  }
  return job.layers[0];
}

/**
 * Checks a publish request against the analysed upload before any work starts, so that mistakes
 * come back at once as 400 with the reason.
 * @returns the layer, its CRS and the fields to keep
 */
export function checkPublishRequest(job: UploadJob, req: PublishRequest): { layer: UploadLayer; srid: number; fields: UploadField[] } {
  const layer = chooseLayer(job, req.layer);
  if (layer.publishedAs) throw problemError(409, 'publish.alreadyPublished', { layer: layer.name, layerId: layer.publishedAs });
  if (!layer.geometryType) throw problemError(400, 'publish.noGeometry', { layer: layer.name });
  const chosen = parseEpsg(req.crs);
  if (req.crs && !chosen) throw problemError(400, 'crs.notCode', { crs: req.crs });
  if (!chosen && layer.crsProblem) {
    const known = job.errors.find((e) => e.message === layer.crsProblem && e.code);
    throw known ? problemError(400, known.code as ProblemCode, known.params) : badRequest(layer.crsProblem);
  }
  const srid = chosen ?? layer.srid;
  if (!srid) throw problemError(400, 'publish.crsUnknown', { layer: layer.name });
  let fields = layer.fields;
  if (req.fields) {
    const unknown = req.fields.filter((n) => !layer.fields.some((f) => f.name === n || f.sourceName === n));
    if (unknown.length) {
      throw problemError(400, 'publish.noSuchField', { layer: layer.name, unknown: unknown.map((n) => `"${n}"`).join(', '), fields: layer.fields.map((f) => f.sourceName).join(', ') });
    }
    fields = layer.fields.filter((f) => req.fields!.includes(f.name) || req.fields!.includes(f.sourceName));
  }
  if (!req.title?.lv?.trim()) throw problemError(400, 'publish.needTitle');
  return { layer, srid, fields };
}

/** ASCII slug for layer ids: `Meža nogabali 2026` → `meza-nogabali-2026`. */
function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'dataset'
  );
}

/**
 * SQL reading one staged attribute as its column type. Values that are already JSON numbers skip
 * the text parsing of the `upload_*` casts (the dearest part of publishing large layers); the
 * results are the same: integers only when whole and of at most nine digits, like `upload_integer`.
 */
function fieldValueSql(ogrType: string, key: string): string {
  const raw = `properties->>${key}`;
  const json = `properties->${key}`;
  if (ogrType === 'Real' || ogrType === 'Integer64') {
    return `CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::double precision ELSE upload_number(${raw}) END`;
  }
  if (ogrType === 'Integer') {
    return `CASE WHEN jsonb_typeof(${json}) = 'number' AND abs((${json})::numeric) <= 999999999 AND (${json})::numeric = trunc((${json})::numeric)
                 THEN (${json})::numeric::integer ELSE upload_integer(${raw}) END`;
  }
  return castFn[ogrType] ? `${castFn[ogrType]}(${raw})` : raw;
}

/** The family number `upload_publish_geometry` takes: 1 points, 2 lines, 3 polygons. */
const familyOf = (type: GeometryType) => (type.endsWith('Point') ? 1 : type.endsWith('LineString') ? 2 : 3);

/**
 * SQL turning a staged geometry into the published one (CRS, 2D, valid, one family). With `repair`
 * it is `upload_publish_geometry` (migration 0023: ST_MakeValid only where ST_IsValid says so);
 * without, the same steps inline, for geometries known to be valid (no per-row function call).
 */
function geometrySql(column: string, type: GeometryType, srid: number, repair: boolean): string {
  const family = familyOf(type);
  if (repair && family > 1) return `upload_publish_geometry(${column}, ${Number(srid)}, ${family}, ${type.startsWith('Multi')})`;
  let g = `ST_SetSRID(${column}, ${Number(srid)})`;
  if (srid !== 3059) g = `ST_Transform(${g}, 3059)`;
  g = `ST_CollectionExtract(ST_Force2D(${g}), ${family})`;
  if (family === 3) g = `ST_ForcePolygonCCW(${g})`;
  return type.startsWith('Multi') ? `ST_Multi(${g})` : g;
}

/** Whether publishing must test (and repair) geometries: unless all were valid and nothing is reprojected. */
const needsRepair = (layer: UploadLayer, srid: number) => !(layer.allValid && srid === 3059);

/** How many versions of a replaced dataset to keep (the new one included); none given: all. */
export interface PublishOptions {
  keepVersions?: number;
}

export interface PublishHooks {
  /** Called inside the transaction before it commits; tests throw here to check nothing is left. */
  beforeCommit?: (layerId: string) => Promise<void> | void;
}

/**
 * Publishes a staged upload layer as a registry layer, all inside the caller's transaction: a new
 * table for this version (integer `id`, `municipality_id`, `geom geometry(<type>, 3059)` with a
 * GiST index), the `layer` row created or pointed at the new table, the version recorded, versions
 * beyond `options.keepVersions` dropped, the staged rows removed. If anything throws, the caller rolls back and nothing of it remains.
 * @returns the layer id and the feature count published
 */
export async function publishLayer(
  client: pg.PoolClient,
  job: UploadJob,
  req: PublishRequest,
  hooks: PublishHooks = {},
  options: PublishOptions = {},
): Promise<{ layerId: string; featureCount: number; version: number; pruned: number[] }> {
  const { layer, srid, fields } = checkPublishRequest(job, req);
  const type = layer.geometryType!;
  const { rows: srs } = await client.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid]);
  if (!srs.length) throw problemError(400, 'publish.crsNotInDatabase', { crs: crsLabel(srid) });
  const municipalityId = job.municipalityId;
  if (municipalityId === null) throw badRequest(`Upload ${job.id} belongs to no municipality; upload the file again.`);

  let layerId: string;
  let version: number;
  if (req.replaceLayerId) {
    const { rows } = await client.query<{ layer_group: string }>(
      'SELECT layer_group FROM layer WHERE id = $1 AND municipality_id = $2 FOR UPDATE',
      [req.replaceLayerId, municipalityId],
    );
    if (!rows.length) throw notFound(`There is no layer "${req.replaceLayerId}" to replace.`);
    if (rows[0].layer_group !== 'uploads') throw badRequest(`Layer "${req.replaceLayerId}" is not an uploaded dataset; only uploaded datasets can be replaced.`);
    layerId = req.replaceLayerId;
    const { rows: v } = await client.query<{ max: number | null }>('SELECT max(version) AS max FROM dataset_version WHERE layer_id = $1', [layerId]);
    version = (v[0].max ?? 0) + 1;
  } else {
    const base = `upload-${slug(req.title.lv)}`.slice(0, 56);
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM layer WHERE id = $1 OR id LIKE $2`, [base, `${base}-%`]);
    const taken = new Set(rows.map((r) => r.id));
    layerId = base;
    for (let n = 2; taken.has(layerId); n++) layerId = `${base}-${n}`;
    version = 1;
  }
  const table = `upl_${layerId.replace(/^upload-/, '').replace(/-/g, '_')}`.slice(0, 50) + `_v${version}`;
  const { rows: clash } = await client.query('SELECT 1 FROM pg_class WHERE relname = $1', [table]);
  if (clash.length) throw new Error(`table ${table} already exists`);

  // Layers of the upload still to be published, and those of them that share this one's staged
  // features (the other geometry types of a file layer with mixed types): those stay staged.
  const remaining = job.layers.filter((l) => l.name !== layer.name && !l.publishedAs);
  const stagedName = layer.stagedLayer ?? layer.name;
  const sharing = remaining.filter((l) => (l.stagedLayer ?? l.name) === stagedName);
  const featureCount = layer.stagingTable
    ? await timed('publish: staging table in place', async () => {
        // A shared staging table is left for the others: this layer's family is copied out of it.
        const source = sharing.length ? await copyFamily(client, layer.stagingTable!, `${table}_src`, familyOf(type)) : layer.stagingTable!;
        const geometry = { type, srid, repair: needsRepair(layer, srid), uniform: !!layer.uniform || sharing.length > 0, ringsWound: !!layer.ringsWound };
        return publishInPlace(client, source, table, geometry, fields, municipalityId);
      })
    : await timed('publish: insert … select', () => publishStagedRows(client, job, layer, table, type, srid, fields, municipalityId));
  if (!featureCount) throw problemError(400, 'publish.nothingUsable', { layer: layer.name });
  await timed('publish: GiST index', async () => {
    // A staging table in its published form came with its index (load/directStage.ts, indexStaging).
    const { rows } = await client.query<{ name: string }>(
      `SELECT indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE i.indrelid = $1::regclass AND am.amname = 'gist'`,
      [quote(table)],
    );
    if (rows.length) await client.query(`ALTER INDEX ${rows[0].name} RENAME TO ${quote(`${table}_geom_gix`)}`);
    else await client.query(`CREATE INDEX ${quote(`${table}_geom_gix`)} ON ${quote(table)} USING gist (geom)`);
  });
  // The new table has a municipality_id: the same row-level security as every municipal table.
  await timed('publish: tenant policies', () => client.query('SELECT apply_tenant_policies()'));
  // No ANALYZE here: the COPY's inserts are counted, so autovacuum analyses the new table soon.

  const layerFields: LayerField[] = fields.map((f) => ({ name: f.name, type: f.type, title: { lv: f.sourceName, en: f.sourceName } }));
  const title = { lv: req.title.lv.trim(), ...(req.title.en?.trim() ? { en: req.title.en.trim() } : {}) };
  if (req.replaceLayerId) {
    await client.query(
      `UPDATE layer SET source_table = $2, geometry_type = $3, fields = $4, title = $5,
              data_version = data_version + 1, updated_at = now() WHERE id = $1`,
      [layerId, table, type, JSON.stringify(layerFields), title],
    );
  } else {
    await client.query(
      `INSERT INTO layer (id, municipality_id, layer_group, title, description, source_table, geometry_type, fields, style, sort_order, read_role)
       VALUES ($1, $2, 'uploads', $3, $4, $5, $6, $7, $8, 1000, $9)`,
      // Private by default: the municipality's signed-in roles read it until an editor makes it public.
      [layerId, municipalityId, title, { lv: `Augšupielādēts no ${job.fileName}`, en: `Uploaded from ${job.fileName}` }, table, type, JSON.stringify(layerFields), defaultStyle(type, layerId), NEW_DATASET_READ_ROLE],
    );
  }
  await client.query('UPDATE dataset_version SET is_current = false WHERE layer_id = $1 AND is_current', [layerId]);
  await client.query(
    `INSERT INTO dataset_version (layer_id, version, table_name, job_id, file_name, feature_count, geometry_type, fields, source_crs, is_current)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true)`,
    [layerId, version, table, job.id, job.fileName, featureCount, type, JSON.stringify(layerFields), `EPSG:${srid}`],
  );
  // Older versions go with the same commit as the new one: a failed publish keeps them all.
  const pruned = options.keepVersions ? await datasets.prune(client, layerId, options.keepVersions) : [];
  await timed('publish: drop other staging', async () => {
    if (!remaining.length) {
      await client.query('DELETE FROM upload_feature WHERE job_id = $1', [job.id]);
      await dropStaging(client, job.id);
    } else if (!sharing.length) {
      await client.query('DELETE FROM upload_feature WHERE job_id = $1 AND source_layer = $2', [job.id, stagedName]);
    }
  });
  await hooks.beforeCommit?.(layerId);
  return { layerId, featureCount, version, pruned };
}

/** Creates the published table and fills it from the layer's rows in `upload_feature`; returns the row count. */
async function publishStagedRows(
  client: pg.PoolClient,
  job: UploadJob,
  layer: UploadLayer,
  table: string,
  type: GeometryType,
  srid: number,
  fields: UploadField[],
  municipalityId: number,
): Promise<number> {
  const columns = fields.map((f) => `${quote(f.name)} ${publishedColumnType(f.ogrType)}`);
  await client.query(
    `CREATE TABLE ${quote(table)} (
       id integer PRIMARY KEY,
       municipality_id integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
       geom geometry(${type}, 3059) NOT NULL${columns.map((c) => `,\n       ${c}`).join('')}
     )`,
  );
  const values = fields.map((f, i) => fieldValueSql(f.ogrType, `$${i + 4}::text`));
  const inserted = await client.query(
    `INSERT INTO ${quote(table)} (id, municipality_id, geom${fields.map((f) => `, ${quote(f.name)}`).join('')})
     SELECT id, $3, g${values.map((_, i) => `, v${i}`).join('')} FROM (
       SELECT feature_index + 1 AS id, ${geometrySql('geom', type, srid, needsRepair(layer, srid))} AS g${values.map((v, i) => `, ${v} AS v${i}`).join('')}
         FROM upload_feature WHERE job_id = $1 AND source_layer = $2 AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)
          AND upload_geometry_family(geom) = ${familyOf(type)}
     ) s WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)${type.startsWith('Multi') ? '' : ` AND GeometryType(g) = '${type.toUpperCase()}'`}`,
    [job.id, layer.stagedLayer ?? layer.name, municipalityId, ...fields.map((f) => f.sourceName)],
  );
  return inserted.rowCount ?? 0;
}

/**
 * Copies the features of one geometry family out of a staging table another layer still needs,
 * into a new table of the same columns, keys and defaults, for `publishInPlace` to consume.
 * @returns the copy's name
 */
async function copyFamily(client: pg.PoolClient, staging: string, copy: string, family: number): Promise<string> {
  await client.query(`CREATE UNLOGGED TABLE ${quote(copy)} (LIKE ${quote(staging)} INCLUDING ALL)`);
  await client.query(
    `INSERT INTO ${quote(copy)} SELECT * FROM ${quote(staging)}
      WHERE _upload_geom IS NOT NULL AND NOT ST_IsEmpty(_upload_geom) AND upload_geometry_family(_upload_geom) = ${Number(family)}`,
  );
  return copy;
}

/** PostgreSQL types ogr2ogr gives each OGR field type in a staging table (PRECISION=NO). */
const stagedType: Record<string, string> = {
  Integer: 'integer',
  Integer64: 'bigint',
  Real: 'double precision',
  Boolean: 'boolean',
  Date: 'date',
  DateTime: 'timestamp with time zone',
  String: 'character varying',
};

/** How a staged layer's geometries are published (see `publishInPlace`). */
interface PublishedGeometry {
  type: GeometryType;
  /** The CRS of the staged coordinates. */
  srid: number;
  /** Test each geometry and repair the invalid ones. */
  repair: boolean;
  /** Every staged feature has a geometry of the layer's family: none to remove. */
  uniform: boolean;
  /** The staged polygons already follow the right-hand rule. */
  ringsWound: boolean;
}

/**
 * The conversion of the staged geometry column in the ALTER TABLE that publishes it, or none
 * when the column already holds the published form: of the published type, 2D, in EPSG:3059,
 * valid and (polygons) wound by the right-hand rule — as the pipeline's own COPY stages a valid
 * LKS-92 layer. Then publishing rewrites nothing.
 */
function geometryChange(staged: string | undefined, g: PublishedGeometry): string | undefined {
  const target = `geometry(${g.type},3059)`;
  if (staged === target && g.srid === 3059 && !g.repair) {
    if (familyOf(g.type) < 3 || g.ringsWound) return undefined;
    return `ALTER COLUMN _upload_geom TYPE ${target} USING ST_ForcePolygonCCW(_upload_geom)`;
  }
  return `ALTER COLUMN _upload_geom TYPE ${target} USING ${geometrySql('_upload_geom', g.type, g.srid, g.repair)}`;
}

/**
 * Turns a layer's staging table (written by ogr2ogr, see load/directStage.ts, or by the pipeline's
 * own COPY, load/copyStage.ts) into the published table in place, inside the caller's transaction:
 * features without a usable geometry or of another family deleted, columns not kept dropped, the
 * rest renamed to their sanitised names, then one ALTER TABLE converts what must change (logged;
 * geometry reprojected, repaired where invalid and typed; attributes cast to their column types;
 * `municipality_id` added) — a rewrite of the table only when something does. A rollback gives
 * the staging table back untouched, so the job can be published again.
 * @returns the number of features published
 */
async function publishInPlace(
  client: pg.PoolClient,
  staging: string,
  table: string,
  geometry: PublishedGeometry,
  fields: UploadField[],
  municipalityId: number,
): Promise<number> {
  const { type, repair, uniform } = geometry;
  const { rows: columns } = await client.query<{ name: string; type: string; full: string; unlogged: boolean }>(
    `SELECT attname AS name, format_type(atttypid, NULL) AS type, format_type(atttypid, atttypmod) AS full, c.relpersistence = 'u' AS unlogged
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [quote(staging)],
  );
  const stagedGeometry = columns.find((c) => c.name === '_upload_geom');
  if (!stagedGeometry) throw new Error(`staging table ${staging} has no geometry column`);
  const family = familyOf(type);
  // A staging table of a job interrupted by a crash of the database is empty (it is unlogged).
  // Features without a geometry or of another family are removed, unless the analysis found none.
  if (!uniform) {
    await client.query(
      `DELETE FROM ${quote(staging)} WHERE _upload_geom IS NULL OR ST_IsEmpty(_upload_geom)
          OR upload_geometry_family(_upload_geom) <> ${family}`,
    );
  }
  await client.query(`ALTER TABLE ${quote(staging)} RENAME TO ${quote(table)}`);
  const sources = new Set(fields.map((f) => f.sourceName));
  for (const c of columns) {
    if (!c.name.startsWith('_upload_') && !sources.has(c.name)) await client.query(`ALTER TABLE ${quote(table)} DROP COLUMN ${quote(c.name)}`);
  }
  // Through temporary names: a sanitised name may be another field's source name.
  const present = new Map(columns.map((c) => [c.name, c.type]));
  const changes: string[] = [];
  for (const [i, f] of fields.entries()) {
    const temp = `_upload_field_${i}`;
    const target = publishedColumnType(f.ogrType);
    const source = present.get(f.sourceName);
    if (source === undefined) {
      changes.push(`ADD COLUMN ${quote(temp)} ${target}`);
      continue;
    }
    await client.query(`ALTER TABLE ${quote(table)} RENAME COLUMN ${quote(f.sourceName)} TO ${quote(temp)}`);
    if (source === target) continue;
    const asText = `(to_jsonb(${quote(temp)}) #>> '{}')`;
    let using: string;
    if (stagedType[f.ogrType] === source) using = `${quote(temp)}::${target}`;
    else if (castFn[f.ogrType]) using = `${castFn[f.ogrType]}(${asText})`;
    else using = source === 'character varying' || source === 'text' ? `${quote(temp)}::text` : asText;
    changes.push(`ALTER COLUMN ${quote(temp)} TYPE ${target} USING ${using}`);
  }
  // At most one rewrite: the table becomes logged, the geometry and attributes take their
  // published form. None when the staging table is logged and in that form already (a column
  // added with a constant default is not written into every row).
  const fid = columns.find((c) => c.name === '_upload_fid');
  const alterations = [
    ...(stagedGeometry.unlogged ? ['SET LOGGED'] : []),
    geometryChange(stagedGeometry.full, geometry),
    ...(fid?.type === 'integer' ? [] : ['ALTER COLUMN _upload_fid TYPE integer']),
    'ALTER COLUMN _upload_fid DROP DEFAULT',
    `ADD COLUMN municipality_id integer NOT NULL DEFAULT ${Number(municipalityId)} REFERENCES municipality (id) ON DELETE CASCADE`,
    ...changes,
  ].filter(Boolean);
  await client.query(`ALTER TABLE ${quote(table)}\n       ${alterations.join(',\n       ')}`);
  await client.query(`ALTER TABLE ${quote(table)} ALTER COLUMN municipality_id DROP DEFAULT`);
  const { rows: sequence } = await client.query<{ name: string | null }>(`SELECT pg_get_serial_sequence($1, '_upload_fid') AS name`, [quote(table)]);
  if (sequence[0].name) await client.query(`DROP SEQUENCE ${sequence[0].name}`);
  // A repair can leave nothing of a feature's family (a polygon collapsed to a line).
  if (repair && family > 1) await client.query(`DELETE FROM ${quote(table)} WHERE ST_IsEmpty(_upload_geom)`);
  await client.query(`ALTER TABLE ${quote(table)} RENAME COLUMN _upload_geom TO geom`);
  await client.query(`ALTER TABLE ${quote(table)} ALTER COLUMN geom SET NOT NULL`);
  await client.query(`ALTER TABLE ${quote(table)} RENAME COLUMN _upload_fid TO id`);
  for (const [i, f] of fields.entries()) await client.query(`ALTER TABLE ${quote(table)} RENAME COLUMN ${quote(`_upload_field_${i}`)} TO ${quote(f.name)}`);
  const { rows: pkey } = await client.query<{ name: string }>(`SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`, [quote(table)]);
  if (pkey[0] && pkey[0].name !== `${table}_pkey`) await client.query(`ALTER TABLE ${quote(table)} RENAME CONSTRAINT ${quote(pkey[0].name)} TO ${quote(`${table}_pkey`)}`);
  const { rows: count } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(table)}`);
  return count[0].n;
}
