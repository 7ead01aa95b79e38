import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { quoteIdentifier as quote } from '../db/identifier.js';
import { extractZip, type ZipLimits } from '../importers/zip.js';
import type { FieldType, GeometryType } from '../layers/types.js';
import { crsLabel, epsgFromWkt, latviaLonLat, parseEpsg } from './crs.js';
import { sanitizeFieldNames } from './fieldNames.js';
import { GdalError, type VectorBackend } from './gdal/index.js';
import type { DatasetInfo, SourceLayerInfo } from './gdal/types.js';
import { checkGeoJson } from './geojsonCheck.js';
import { stageGeoJsonByCopy, type CheckedFeature } from './load/copyStage.js';
import { directTarget, indexStaging, stageDirect, takesDirectStaging, windStaging } from './load/directStage.js';
import { geojsonSchema } from './load/geojsonSchema.js';
import { shapefileGeometryType } from './load/shapefileType.js';
import { geoJsonListing, stagedGeoJsonListing } from './load/stagedListing.js';
import { problem, refuse, UploadRefusal } from './problems.js';
import { profileNote, timed } from './profile.js';
import { csvAsUtf8, declaredEncoding, shapefileEncoding, siblingFile, type DatasetEncoding } from './textEncoding.js';
import type { Problem, UploadField, UploadLayer, UploadOptions } from './types.js';

/** File extensions GDAL opens as datasets of their own (side files such as .dbf come along). */
const datasetExtensions = new Set(['.shp', '.gpkg', '.geojson', '.json', '.kml', '.gpx', '.dxf', '.csv', '.tab', '.mif', '.xlsx', '.ods', '.fgb', '.sqlite', '.gml']);
/** Largest GeoJSON checked in full against RFC 7946 before GDAL reads it. */
const geoJsonCheckLimit = 64 * 1024 * 1024;
const batchSize = 5000;

const coordinateColumns = {
  x: /^(x|lon|lng|long|longitude|easting|east|koord_y|x_koord|garums|e)$/i,
  y: /^(y|lat|latitude|northing|north|koord_x|y_koord|platums|n)$/i,
};

export interface AnalysisResult {
  format: string;
  layers: UploadLayer[];
  warnings: Problem[];
  errors: Problem[];
}

export interface AnalysisContext {
  pool: pg.Pool;
  backend: VectorBackend;
  zipLimits: ZipLimits;
  progress(fraction: number): Promise<void>;
}

const ogrFieldType = (ogr: string): FieldType =>
  ({ Integer: 'integer', Integer64: 'integer', Real: 'number', Date: 'date', DateTime: 'datetime', Boolean: 'boolean' })[ogr] as FieldType ?? 'text';

/** `Multi Polygon`, `3D Multi Polygon`, `MultiPolygonZ`, `Measured Point` → base name and Z/M flags. */
export function parseGeometryType(name: string): { base: string; z: boolean; m: boolean } {
  let s = name.replace(/\s+/g, '').toLowerCase();
  let z = false;
  let m = false;
  if (s.startsWith('3d')) (z = true), (s = s.slice(2));
  if (s.startsWith('measured')) (m = true), (s = s.slice(8));
  if (s.endsWith('25d')) (z = true), (s = s.slice(0, -3));
  if (s.endsWith('zm')) (z = true), (m = true), (s = s.slice(0, -2));
  else if (s.endsWith('z')) (z = true), (s = s.slice(0, -1));
  else if (s.endsWith('m') && s !== 'm') (m = true), (s = s.slice(0, -1));
  return { base: s, z, m };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

async function isSqlite(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    return bytesRead === 16 && buffer.toString('latin1') === 'SQLite format 3\0';
  } finally {
    await handle.close();
  }
}

interface StagedStats {
  total: number;
  byType: Record<string, number>;
  nullOrEmpty: number;
  nullExamples: number[];
  invalid: number;
  invalidExamples: { index: number; reason: string }[];
  extent: [number, number, number, number] | null;
}

/**
 * Counts geometry kinds, missing and invalid geometries and the extent of one staged layer in one
 * pass grouped by kind (validity tested once per feature, no sort: ordered aggregates over every
 * row tripled the time), then fetches the few examples shown only when there are any.
 */
async function stagedStats(pool: pg.Pool, staged: StagedRows): Promise<StagedStats> {
  const { from, params } = stagedFrom(staged);
  const { rows: kinds } = await pool.query<{ kind: string | null; n: number; invalid: number; extent: (number | null)[] }>(
    `SELECT kind, count(*)::int AS n, count(*) FILTER (WHERE invalid)::int AS invalid,
            ARRAY[ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom))] AS extent
       FROM (SELECT geom, CASE WHEN geom IS NULL OR ST_IsEmpty(geom) THEN NULL
                               WHEN GeometryType(geom) = 'GEOMETRYCOLLECTION' THEN 'GEOMETRYCOLLECTION' || ST_Dimension(geom)
                               ELSE GeometryType(geom) END AS kind,
                    geom IS NOT NULL AND NOT ST_IsValid(geom) AS invalid
               FROM ${from}) f
      GROUP BY kind`,
    params,
  );
  const stats: StagedStats = { total: 0, byType: {}, nullOrEmpty: 0, nullExamples: [], invalid: 0, invalidExamples: [], extent: null };
  for (const k of kinds) {
    stats.total += k.n;
    stats.invalid += k.invalid;
    if (k.kind === null) {
      stats.nullOrEmpty += k.n;
      continue;
    }
    stats.byType[k.kind] = k.n;
    if (k.extent[0] === null) continue;
    const [x0, y0, x1, y1] = k.extent.map(Number);
    const e = stats.extent;
    stats.extent = e ? [Math.min(e[0], x0), Math.min(e[1], y0), Math.max(e[2], x1), Math.max(e[3], y1)] : [x0, y0, x1, y1];
  }
  const examples = async <T extends object>(columns: string, where: string) =>
    (await pool.query<T & { index: number }>(`SELECT feature_index AS index${columns} FROM ${from} WHERE ${where} ORDER BY feature_index LIMIT 5`, params)).rows;
  if (stats.nullOrEmpty) stats.nullExamples = (await examples('', 'geom IS NULL OR ST_IsEmpty(geom)')).map((r) => r.index);
  if (stats.invalid) stats.invalidExamples = await examples<{ reason: string }>(', ST_IsValidReason(geom) AS reason', 'geom IS NOT NULL AND NOT ST_IsValid(geom)');
  return stats;
}

/**
 * A dataset's only layer staged before (or while) it is listed: the table (undefined if that
 * failed), whether a layer took it, and whether its polygons are already wound by the right-hand
 * rule (staged by the pipeline itself, not by ogr2ogr).
 */
interface EarlyStaging {
  table: Promise<string | undefined>;
  adopted: boolean;
  ringsWound?: boolean;
  /**
   * The table is logged and its geometry column of the published type, so a valid layer is
   * published without a rewrite: its spatial index is built now, beside the statistics.
   */
  publishedForm?: boolean;
  /** The table holds a shapefile's polygons (unlogged, rings clockwise): wound now, beside the statistics. */
  polygons?: boolean;
}

/** Where a layer's staged features are: rows of `upload_feature`, or a staging table of their own. */
type StagedRows = { jobId: string; layer: string } | { table: string };

/** A FROM item giving `feature_index` (0-based) and `geom` of staged features, with its parameters. */
function stagedFrom(staged: StagedRows): { from: string; params: unknown[] } {
  if ('table' in staged) {
    return { from: `(SELECT _upload_fid - 1 AS feature_index, _upload_geom AS geom FROM ${quote(staged.table)}) staged`, params: [] };
  }
  return { from: '(SELECT feature_index, geom FROM upload_feature WHERE job_id = $1 AND source_layer = $2) staged', params: [staged.jobId, staged.layer] };
}

export interface GeometryFamily {
  /** The published geometry type of this family. */
  type: GeometryType;
  count: number;
}

/**
 * The geometry families (points, lines, polygons) in a staged layer, most features first, each
 * with its published type: lines and polygons always Multi (a repair can split a polygon), points
 * Multi when any feature of them is multi-part. Collections and surfaces count as polygons.
 */
export function geometryFamilies(byType: Record<string, number>): GeometryFamily[] {
  const dims: Record<string, { n: number; multi: boolean }> = { Point: { n: 0, multi: false }, LineString: { n: 0, multi: false }, Polygon: { n: 0, multi: false } };
  const baseOf: Record<string, [string, boolean]> = {
    POINT: ['Point', false], MULTIPOINT: ['Point', true], LINESTRING: ['LineString', false], MULTILINESTRING: ['LineString', true],
    POLYGON: ['Polygon', false], MULTIPOLYGON: ['Polygon', true],
    // Collections by their highest dimension (the staged kind is GEOMETRYCOLLECTION0, 1 or 2).
    GEOMETRYCOLLECTION0: ['Point', true], GEOMETRYCOLLECTION1: ['LineString', true], GEOMETRYCOLLECTION2: ['Polygon', true], GEOMETRYCOLLECTION: ['Polygon', true],
    CIRCULARSTRING: ['LineString', false], COMPOUNDCURVE: ['LineString', false], MULTICURVE: ['LineString', true],
    CURVEPOLYGON: ['Polygon', false], MULTISURFACE: ['Polygon', true], TRIANGLE: ['Polygon', false], TIN: ['Polygon', true], POLYHEDRALSURFACE: ['Polygon', true],
  };
  for (const [t, n] of Object.entries(byType)) {
    const [base, multi] = baseOf[t.replace(/M$/, '')] ?? ['Polygon', true];
    dims[base].n += n;
    dims[base].multi ||= multi;
  }
  return Object.entries(dims)
    .filter(([, d]) => d.n > 0)
    .sort((a, b) => b[1].n - a[1].n)
    .map(([base, d]) => ({ type: ((d.multi || base !== 'Point' ? 'Multi' : '') + base) as GeometryType, count: d.n }));
}

/** The published geometry type of the most common family, and how many features are of other families. */
export function chooseGeometryType(byType: Record<string, number>): { type: GeometryType | null; dropped: number } {
  const families = geometryFamilies(byType);
  if (!families.length) return { type: null, dropped: 0 };
  return { type: families[0].type, dropped: families.slice(1).reduce((n, f) => n + f.count, 0) };
}

const familyName = (type: GeometryType) => (type.endsWith('Point') ? 'points' : type.endsWith('LineString') ? 'lines' : 'polygons');

/**
 * Whether the extent lies in or near Latvia when read in `srid`; if not, which of the CRSs used
 * in Latvia would put it there (the 6 000 000 m northing offset of TM Baltic93 vs LKS-92 included).
 */
async function crsSanity(pool: pg.Pool, extent: [number, number, number, number], srid: number, layer: string): Promise<Problem | undefined> {
  const candidates = [3059, 25884, 4326, 3857, 3035];
  const { rows } = await pool.query<{ srid: number; inside: boolean }>(
    `SELECT c AS srid,
            coalesce(ST_Within(ST_Transform(ST_SetSRID(ST_MakePoint(($1::float8 + $3) / 2, ($2::float8 + $4) / 2), c), 4326),
                               ST_MakeEnvelope($6, $7, $8, $9, 4326)), false) AS inside
       FROM unnest($5::int[]) c WHERE EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = c)`,
    [...extent, [srid, ...candidates.filter((c) => c !== srid)], latviaLonLat.minLon, latviaLonLat.minLat, latviaLonLat.maxLon, latviaLonLat.maxLat],
  ).catch(() => ({ rows: [] as { srid: number; inside: boolean }[] }));
  if (rows.find((r) => r.srid === srid)?.inside) return undefined;
  const fits = rows.filter((r) => r.inside && r.srid !== srid).map((r) => r.srid);
  const where = `x ${Math.round(extent[0])}…${Math.round(extent[2])}, y ${Math.round(extent[1])}…${Math.round(extent[3])}`;
  if (fits.length) {
    const northing = (srid === 3059 && fits[0] === 25884) || (srid === 25884 && fits[0] === 3059);
    return problem(northing ? 'crs.misplacedNorthing' : 'crs.misplaced', { where, crs: crsLabel(srid), fits: crsLabel(fits[0]), suggested: `EPSG:${fits[0]}` }, { layer });
  }
  return problem('crs.nowhere', { where, crs: crsLabel(srid) }, { layer });
}

/** Reads GDAL's GeoJSON output (one feature per line) into `upload_feature` in batches. */
async function stageGeoJson(
  pool: pg.Pool,
  jobId: string,
  layer: string,
  file: string,
  xy: { x: string; y: string } | undefined,
  onBatch: (count: number) => Promise<void>,
): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let indexes: number[] = [];
  let geoms: (string | null)[] = [];
  let props: string[] = [];
  let count = 0;
  const flush = async () => {
    if (!indexes.length) return;
    await pool.query(
      `INSERT INTO upload_feature (job_id, source_layer, feature_index, geom, properties)
       SELECT $1, $2, i, CASE WHEN g IS NOT NULL THEN ST_SetSRID(ST_GeomFromGeoJSON(g), 0) END, p
         FROM unnest($3::int[], $4::text[], $5::jsonb[]) AS t(i, g, p)`,
      [jobId, layer, indexes, geoms, props],
    );
    indexes = [];
    geoms = [];
    props = [];
    await onBatch(count);
  };
  for await (const raw of lines) {
    if (!raw.startsWith('{ "type": "Feature"')) continue;
    const feature = JSON.parse(raw.endsWith(',') ? raw.slice(0, -1) : raw) as { properties?: Record<string, unknown> | null; geometry?: unknown };
    const properties = feature.properties ?? {};
    let geometry = feature.geometry ?? null;
    if (!geometry && xy) {
      const x = Number(String(properties[xy.x] ?? '').replace(',', '.'));
      const y = Number(String(properties[xy.y] ?? '').replace(',', '.'));
      if (properties[xy.x] != null && properties[xy.y] != null && Number.isFinite(x) && Number.isFinite(y)) geometry = { type: 'Point', coordinates: [x, y] };
    }
    indexes.push(count++);
    geoms.push(geometry ? JSON.stringify(geometry) : null);
    props.push(JSON.stringify(properties));
    if (indexes.length >= batchSize) await flush();
  }
  await flush();
  return count;
}

/**
 * GDAL's words for a user: without the server's folders (an unzipped file is named by its path
 * in the archive) and without advice on GDAL settings they cannot change.
 */
function gdalDetail(err: GdalError, ...scratch: string[]): string {
  let text = err.message;
  for (const dir of scratch) {
    const folder = path.extname(dir) ? path.dirname(dir) : dir;
    text = text.split(`${folder}/files/`).join('').split(`${folder}/`).join('');
  }
  return text.replace(/\s*Set \w+ config option to \w+[^.]*\.?/g, '').trim();
}

/** Columns GDAL's LIBKML driver gives every KML layer, whether the file uses them or not (offered unticked when empty). */
const libkmlColumns = new Set(['begin', 'end', 'altitudeMode', 'tessellate', 'extrude', 'visibility', 'drawOrder', 'icon', 'timestamp']);

/** Which of the named columns of a staged layer hold no value in any feature. */
async function emptyColumns(pool: pg.Pool, staged: StagedRows, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const { rows } =
    'table' in staged
      ? await pool.query<Record<string, number>>(`SELECT ${names.map((n, i) => `count(${quote(n)})::int AS c${i}`).join(', ')} FROM ${quote(staged.table)}`)
      : await pool.query<Record<string, number>>(
          `SELECT ${names.map((_, i) => `count(properties->>$${i + 3})::int AS c${i}`).join(', ')} FROM upload_feature WHERE job_id = $1 AND source_layer = $2`,
          [staged.jobId, staged.layer, ...names],
        );
  return new Set(names.filter((_, i) => rows[0][`c${i}`] === 0));
}

/**
 * Readies a staging table for publishing while the statistics read it (see `stageLayer`). Never
 * fails: publishing does whatever this could not.
 * @returns what to do once the statistics are done, resolving to whether the table's polygons
 * are now wound by the right-hand rule
 */
async function prepareForPublishing(pool: pg.Pool, table: string, early: EarlyStaging): Promise<() => Promise<boolean>> {
  if (early.publishedForm) {
    await timed('analyse: GiST index', () => indexStaging(pool, table)).catch(() => {});
    return async () => false;
  }
  if (!early.polygons) return async () => false;
  const wound = await timed('analyse: polygons wound, logged and indexed', () => windStaging(pool, table)).catch(() => undefined);
  if (!wound) return async () => false;
  return () => wound.swap().then(
    () => true,
    () => wound.discard().then(() => false, () => false),
  );
}

/**
 * Stages a checked GeoJSON from its parsed document by COPY (see load/copyStage.ts), or gives
 * undefined when GDAL must read it: fields or ids its driver reads in ways not copied here, a CRS
 * that is not a plain EPSG name (GDAL lists it), or a COPY the database refused.
 */
async function stageCheckedGeoJson(ctx: AnalysisContext, jobId: string, document: unknown, text: string, plainCrs: boolean) {
  if (!plainCrs) return undefined;
  const schema = geojsonSchema(document, text);
  if ('fallback' in schema) {
    profileNote(`GeoJSON left to GDAL: ${schema.fallback}`);
    return undefined;
  }
  const features = (document as { features: CheckedFeature[] }).features;
  try {
    return { table: await stageGeoJsonByCopy(ctx.pool, jobId, features, schema), fields: schema.fields, typed: schema.geometryType !== 'Geometry' };
  } catch (err) {
    profileNote(`GeoJSON COPY failed, left to GDAL: ${(err as Error).cause ?? err}`);
    return undefined;
  }
}

/**
 * Whether GDAL's LIBKML driver kept every placemark of a KML: it keeps only the last of several
 * placemarks written straight under `<kml>`, with no document or folder around them. When it
 * listed fewer features than the file has placemarks, the simpler KML driver is asked: its listing
 * when it reads more (the file is then read with it, a warning saying so), else only a warning of
 * the shortfall. Undefined when nothing is missing (or the file is too large to count in memory).
 */
async function kmlPlacemarksKept(backend: VectorBackend, file: string, openOptions: string[], info: DatasetInfo) {
  if ((await stat(file)).size > geoJsonCheckLimit) return undefined;
  const placemarks = (await readFile(file, 'utf8')).match(/<(\w+:)?Placemark[\s>]/g)?.length ?? 0;
  const total = (i: DatasetInfo) => i.layers.reduce((n, l) => n + Math.max(l.featureCount, 0), 0);
  const read = total(info);
  if (read >= placemarks) return undefined;
  const simpler = await backend.info(file, openOptions, ['LIBKML']).catch(() => undefined);
  if (simpler && simpler.driver !== 'LIBKML' && total(simpler) > read) {
    return { info: simpler, problem: (name: string) => problem('file.kmlSimpleDriver', { file: name, placemarks, read, kept: total(simpler) }) };
  }
  return { problem: (name: string) => problem('file.kmlPlacemarksMissing', { file: name, placemarks, read }) };
}

/** Formats stored as zip archives that are one dataset, not an archive of datasets. */
const zipFormats = new Set(['.xlsx', '.ods']);

/**
 * Analyses an uploaded file: unpacks archives safely, finds the datasets in it, reads each vector
 * layer with GDAL into the staging table (in the file's own coordinates), and works out the
 * geometry type, CRS, fields, encoding and problems the preview shows. Throws UploadRefusal for
 * files that cannot be imported at all; the caller removes staged rows then.
 */
export async function analyseUpload(ctx: AnalysisContext, jobId: string, filePath: string, fileName: string, options: UploadOptions): Promise<AnalysisResult> {
  const work = await mkdtemp(path.join(tmpdir(), 'gis-upload-'));
  try {
    const warnings: Problem[] = [];
    const errors: Problem[] = [];
    /** A missing CRS, or one that puts the layer outside Latvia: publishing needs a CRS chosen. */
    const crsProblems: Problem[] = [];
    let datasets: { path: string; rel: string }[];
    const ext = path.extname(fileName).toLowerCase();
    let format: string | undefined;
    // Office spreadsheets and GeoPackage-like containers are zips too; GDAL reads them as they are.
    if (!zipFormats.has(ext) && (await isZip(filePath))) {
      const unpacked = path.join(work, 'files');
      const files = await timed('analyse: unzip', () => extractZip(filePath, unpacked, ctx.zipLimits));
      // A KMZ is a zip holding one KML (and its icons).
      datasets = files
        .filter((f) => datasetExtensions.has(path.extname(f).toLowerCase()))
        .map((f) => ({ path: path.join(unpacked, f), rel: f }));
      if (ext === '.kmz') format = 'KMZ';
      if (!datasets.length) {
        throw refuse('archive.noGisFile', { files: `${files.slice(0, 8).join(', ') || '—'}${files.length > 8 ? ', …' : ''}` });
      }
    } else {
      datasets = [{ path: filePath, rel: fileName }];
    }

    const layers: UploadLayer[] = [];
    const seen: string[] = [];
    let done = 0;
    for (const found of datasets) {
      const dsExt = path.extname(found.rel).toLowerCase();
      let dataset = found;
      let encoding: DatasetEncoding;
      if (dsExt === '.shp') {
        encoding = await timed('analyse: DBF encoding', () => shapefileEncoding(found.path, options.encoding));
        if (!(await siblingFile(found.path, '.shx'))) {
          // GDAL writes the index once, before the listing and the staging read it side by side.
          await ctx.backend.info(found.path).catch(() => undefined);
          warnings.push(problem('file.shxRestored', { file: found.rel }));
        }
      } else if (dsExt === '.csv') {
        const utf8 = await timed('analyse: CSV encoding', () => csvAsUtf8(found.path, work, options.encoding));
        dataset = { ...found, path: utf8.path };
        encoding = utf8.encoding;
      } else encoding = await declaredEncoding(found.path, dsExt);
      const openOptions = [...(encoding.option ? [encoding.option] : []), ...(dsExt === '.csv' ? ['AUTODETECT_TYPE=YES', 'KEEP_GEOM_COLUMNS=NO'] : [])];
      // A GeoJSON or a shapefile holds one layer: on a real database it is staged while it is
      // checked or listed here (a GeoJSON by our COPY after the check, else by ogr2ogr beside it);
      // the table is kept when the layer needs no reprojection by GDAL.
      const isGeoJson = dsExt === '.geojson' || dsExt === '.json';
      const checked = isGeoJson && (await stat(dataset.path)).size <= geoJsonCheckLimit;
      // A checked GeoJSON is staged from the check's parse by COPY, unless GDAL must read it.
      const copyFirst = checked && takesDirectStaging(ctx.pool);
      const direct = isGeoJson || dsExt === '.shp' ? directTarget(ctx.pool, ctx.backend) : undefined;
      // A shapefile's header gives its type: staged as published, points and lines in a logged
      // table that publishing need not rewrite; polygons, whose rings are clockwise, in an unlogged
      // one that the analysis then writes once more, wound (see prepareForPublishing).
      const shapeType = dsExt === '.shp' ? await shapefileGeometryType(dataset.path) : undefined;
      const staging = { openOptions, geometryType: shapeType, logged: !!shapeType && shapeType !== 'MULTIPOLYGON' };
      const stageWithGdal = (target: NonNullable<typeof direct>): EarlyStaging => ({
        table: stageDirect(ctx.pool, ctx.backend, target, jobId, dataset.path, '', staging).catch(() => undefined),
        adopted: false,
        publishedForm: staging.logged,
        polygons: shapeType === 'MULTIPOLYGON',
      });
      let early: EarlyStaging | undefined = direct && !copyFirst ? stageWithGdal(direct) : undefined;
      try {
        // GDAL lists the layers (a process of its own with a native GDAL) while the GeoJSON check
        // runs here; a checked GeoJSON being staged is listed from its staging table instead.
        const list = () =>
          timed('analyse: ogrinfo', () => ctx.backend.info(dataset.path, openOptions)).then(
            (info) => ({ info }),
            (error: unknown) => ({ error }),
          );
        let listing = checked && (early || copyFirst) ? undefined : list();
        if (checked) {
          const text = await readFile(dataset.path, 'utf8');
          const check = await timed('analyse: GeoJSON check', async () => checkGeoJson(text));
          if (check.errors.length) {
            await listing;
            throw new UploadRefusal([problem('file.invalidGeoJson', { file: dataset.rel, count: check.errors.length }), ...check.errors.slice(0, 5)]);
          }
          warnings.push(...check.warnings);
          if (copyFirst && check.summary) {
            const copied = await stageCheckedGeoJson(ctx, jobId, check.document, text, check.summary.epsg !== undefined);
            const info = copied && geoJsonListing(check.summary, dataset.rel, copied.fields);
            if (copied && info) {
              early = { table: Promise.resolve(copied.table), adopted: false, ringsWound: true, publishedForm: copied.typed };
              listing = Promise.resolve({ info });
            } else {
              if (copied) await ctx.pool.query(`DROP TABLE IF EXISTS "${copied.table}"`);
              if (direct) early = stageWithGdal(direct);
            }
          }
          const table = !listing && early && check.summary ? await early.table : undefined;
          const fromStaging = table && check.summary ? await stagedGeoJsonListing(ctx.pool, table, check.summary, dataset.rel) : undefined;
          listing ??= fromStaging ? Promise.resolve({ info: fromStaging }) : list();
        }
        const listed = await listing!;
        if ('error' in listed) {
          const err = listed.error;
          if (err instanceof GdalError) {
            if (await isSqlite(dataset.path)) {
              throw refuse('file.noVectorLayerSqlite', { file: dataset.rel, detail: gdalDetail(err, work, filePath) });
            }
            throw refuse('file.unreadable', { file: dataset.rel, detail: gdalDetail(err, work, filePath) });
          }
          throw err;
        }
        let info = listed.info;
        let skipDrivers: string[] | undefined;
        if (info.driver === 'LIBKML' && dsExt === '.kml') {
          const simpler = await kmlPlacemarksKept(ctx.backend, dataset.path, openOptions, info);
          if (simpler?.info) (info = simpler.info), (skipDrivers = ['LIBKML']);
          if (simpler) warnings.push(simpler.problem(dataset.rel));
        }
        format ??= info.driver;
        for (const source of info.layers) {
          const geometryless = !source.geometryType || /^(none|unknown\(none\))$/i.test(source.geometryType.replace(/\s+/g, ''));
          const xField = geometryless ? source.fields.find((f) => coordinateColumns.x.test(f.name)) : undefined;
          const yField = geometryless ? source.fields.find((f) => coordinateColumns.y.test(f.name)) : undefined;
          if (geometryless && !(xField && yField)) continue;
          // A layer without a name (an unnamed KML document, or one the simpler KML driver calls
          // "Layer #0") takes the file's.
          const unnamed = !source.name.trim() || (info.driver === 'KML' && /^Layer #\d+$/.test(source.name));
          const given = unnamed ? path.basename(dataset.rel, path.extname(dataset.rel)) : source.name.trim();
          let name = given;
          for (let n = 2; seen.includes(name); n++) name = `${given}_${n}`;
          seen.push(name);
          if (options.layer && options.layer !== name && options.layer !== source.name) continue;
          const xy = xField && yField ? { x: xField.name, y: yField.name } : undefined;
          const read = { ...dataset, scratch: [work, filePath], driver: info.driver, skipDrivers };
          layers.push(...await stageLayer(ctx, jobId, options, { dataset: read, source, name, openOptions, encoding: encoding.label, xy, early }, { warnings, crsProblems }));
          done++;
          await ctx.progress(0.1 + (0.85 * done) / Math.max(datasets.length, done + 1));
        }
      } finally {
        const table = early && !early.adopted ? await early.table : undefined;
        if (table) await ctx.pool.query(`DROP TABLE IF EXISTS "${table}"`);
      }
    }
    if (!layers.length) {
      if (options.layer && seen.length) throw refuse('file.noSuchLayer', { layer: options.layer, layers: seen.join(', ') });
      throw refuse(format === 'GPKG' ? 'file.noVectorLayerGpkg' : 'file.noVectorLayer', { file: fileName });
    }
    errors.push(...crsProblems);
    return { format: format ?? 'unknown', layers, warnings, errors };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One layer of a dataset to stage, and how to read it. */
interface LayerToStage {
  /** The dataset, the folders whose paths GDAL's messages should not show, GDAL's driver for it and the drivers not to use. */
  dataset: { path: string; rel: string; scratch: string[]; driver: string; skipDrivers?: string[] };
  source: SourceLayerInfo;
  /** The name the preview gives it, unique in the upload. */
  name: string;
  openOptions: string[];
  /** The text encoding the preview shows. */
  encoding: string | null;
  /** The columns with the coordinates of a table without geometry (CSV, XLSX). */
  xy?: { x: string; y: string };
  /** The dataset's only layer, staged before it was listed. */
  early?: EarlyStaging;
}

/** What the analysis of an upload has found wrong so far; CRS problems must be resolved before publishing. */
interface AnalysisReport {
  warnings: Problem[];
  crsProblems: Problem[];
}

/**
 * Stages one layer, works out its statistics, type, CRS and fields, and reports its problems.
 * @returns the layer as the preview shows it, or one per geometry family when its types are mixed
 */
async function stageLayer(ctx: AnalysisContext, jobId: string, options: UploadOptions, layer: LayerToStage, report: AnalysisReport): Promise<UploadLayer[]> {
  const { dataset, source, name, openOptions, encoding, xy, early } = layer;
  const { warnings, crsProblems } = report;
  const chosen = parseEpsg(options.crs);
  if (options.crs && !chosen) throw refuse('crs.notCode', { crs: options.crs });
  // A GeoPackage's srs_id 0 and -1 ("Undefined geographic/Cartesian SRS") say the CRS is unknown.
  const wkt = source.wkt && !/^\w+\["Undefined (geographic|Cartesian) SRS"/.test(source.wkt) ? source.wkt : undefined;
  const srid = chosen ?? source.epsg ?? (wkt ? epsgFromWkt(wkt) : undefined);
  let targetSrs: string | undefined;
  if (srid) {
    const { rows } = await ctx.pool.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid]);
    if (!rows.length) {
      // PostGIS does not know it (e.g. LKS-2020 in older PROJ databases); let GDAL reproject.
      targetSrs = 'EPSG:3059';
      warnings.push(problem('crs.unknownToDatabase', { crs: crsLabel(srid) }, { layer: name }));
    }
  } else if (wkt) {
    targetSrs = 'EPSG:3059';
    warnings.push(problem('crs.unusual', { wkt: wkt.split('\n')[0].slice(0, 80) }, { layer: name }));
  }
  const geometry = parseGeometryType(source.geometryType);
  if (geometry.z || geometry.m) {
    warnings.push(problem('geometry.dimensionsDropped', { layer: name, dimensions: [geometry.z && 'Z', geometry.m && 'M'].filter(Boolean).join(', ') }, { layer: name }));
  }
  const direct = xy ? undefined : directTarget(ctx.pool, ctx.backend);
  const readFailed = (err: unknown): never => {
    if (err instanceof GdalError) {
      const detail = gdalDetail(err, ...dataset.scratch);
      if (targetSrs) throw refuse('crs.reprojectFailed', { layer: name, detail });
      throw refuse('file.readFailed', { file: dataset.rel, detail });
    }
    throw err;
  };
  let staged: StagedRows = { jobId, layer: name };
  // A table staged before the listing serves unless GDAL must reproject (a CRS PostGIS lacks).
  const ready = early && !early.adopted && !targetSrs ? await early.table : undefined;
  if (ready && early) {
    early.adopted = true;
    staged = { table: ready };
  } else if (direct) {
    // Native GDAL and a real database: ogr2ogr writes by COPY into the layer's own staging table,
    // nothing passes through Node.
    staged = { table: await stageDirect(ctx.pool, ctx.backend, direct, jobId, dataset.path, source.name, { openOptions, targetSrs, skipDrivers: dataset.skipDrivers }).catch(readFailed) };
  } else {
    const out = path.join(tmpdir(), `gis-upload-${jobId}-${Math.random().toString(36).slice(2)}.geojson`);
    try {
      await ctx.backend.toGeoJson(dataset.path, source.name, out, { openOptions, targetSrs, skipDrivers: dataset.skipDrivers }).catch(readFailed);
      await ctx.pool.query('DELETE FROM upload_feature WHERE job_id = $1 AND source_layer = $2', [jobId, name]);
      try {
        await stageGeoJson(ctx.pool, jobId, name, out, xy, async () => {});
      } catch (err) {
        throw refuse('file.geometryUnreadable', { layer: name, detail: (err as Error).message }, { layer: name });
      }
    } finally {
      await rm(out, { force: true });
    }
  }
  // While the statistics run, a table already in LKS-92 is made ready for publishing on another
  // connection (each keeps one core busy): the spatial index of one in its published form, the
  // wound, logged, indexed copy of a shapefile's polygons. Publishing keeps what was done, and does
  // it itself when this failed.
  const inLks92 = !targetSrs && srid === 3059;
  const prepared = 'table' in staged && ready && inLks92 ? prepareForPublishing(ctx.pool, ready, early!) : undefined;
  const stats = await timed('analyse: staged stats', () => stagedStats(ctx.pool, staged)).finally(() => prepared);
  const ringsWound = (early?.ringsWound ?? false) || (prepared ? await (await prepared)() : false);
  const families = geometryFamilies(stats.byType);
  if (stats.nullOrEmpty) {
    // Numbered from 1 as users count, which is also the id a published feature gets.
    const examples = `${stats.nullExamples.map((i) => i + 1).join(', ')}${stats.nullOrEmpty > 5 ? ', …' : ''}`;
    warnings.push(problem('geometry.missing', { count: stats.nullOrEmpty, total: stats.total, layer: name, examples }, { featureIndex: stats.nullExamples[0], layer: name }));
  }
  if (stats.invalid) {
    for (const ex of stats.invalidExamples) {
      warnings.push(problem('geometry.invalid', { reason: ex.reason }, { featureIndex: ex.index, layer: name }));
    }
    if (stats.invalid > stats.invalidExamples.length) {
      warnings.push(problem('geometry.invalidMore', { count: stats.invalid, layer: name }, { layer: name }));
    }
  }
  const collections = Object.entries(stats.byType).filter(([t]) => t.startsWith('GEOMETRYCOLLECTION')).reduce((n, [, c]) => n + c, 0);
  if (collections) warnings.push(problem('geometry.collections', { count: collections, layer: name }, { layer: name }));
  const stagedSrid = targetSrs ? 3059 : srid ?? 0;
  let crsProblem: Problem | undefined;
  if (!stagedSrid) {
    crsProblem = problem(dataset.rel.toLowerCase().endsWith('.shp') ? 'crs.missingPrj' : 'crs.missing', { layer: name }, { layer: name });
  } else if (stats.extent) {
    crsProblem = await timed('analyse: CRS sanity', () => crsSanity(ctx.pool, stats.extent!, stagedSrid, name));
  }
  const binary = source.fields.filter((f) => /Binary/.test(f.type));
  if (binary.length) warnings.push(problem('fields.binaryDropped', { layer: name, fields: binary.map((f) => f.name).join(', ') }, { layer: name }));
  const kept = source.fields.filter((f) => !/Binary/.test(f.type));
  const columns = sanitizeFieldNames(kept.map((f) => f.name));
  const unused = dataset.driver === 'LIBKML' ? await emptyColumns(ctx.pool, staged, kept.map((f) => f.name).filter((n) => libkmlColumns.has(n))) : new Set<string>();
  const fields: UploadField[] = kept.map((f, i) => ({
    name: columns[i],
    sourceName: f.name,
    type: ogrFieldType(f.type),
    ogrType: f.type,
    ...(unused.has(f.name) ? { suggestDrop: true as const } : {}),
  }));
  // Lower-casing alone (Name → name) is not worth a warning; the preview shows every source name.
  const renamed = fields.filter((f) => f.name !== f.sourceName.toLowerCase() && !f.suggestDrop);
  if (renamed.length) {
    warnings.push(problem('fields.renamed', { renames: renamed.map((f) => `${f.sourceName} → ${f.name}`).join(', ') }, { layer: name }));
  }
  const base: UploadLayer = {
    name,
    dataset: dataset.rel,
    sourceLayer: source.name,
    geometryType: families[0]?.type ?? null,
    featureCount: stats.total - stats.nullOrEmpty,
    crs: stagedSrid ? `EPSG:${srid && !targetSrs ? srid : stagedSrid}` : null,
    srid: stagedSrid,
    fields,
    encoding,
    ...(crsProblem ? { crsProblem: crsProblem.message } : {}),
    ...(stats.extent ? { extent: stats.extent } : {}),
    ...('table' in staged ? { stagingTable: staged.table } : {}),
    ...('table' in staged && ready && ringsWound ? { ringsWound: true as const } : {}),
    ...(!stats.invalid && Object.keys(stats.byType).every((t) => /^(MULTI)?(POINT|LINESTRING|POLYGON)$/.test(t)) ? { allValid: true } : {}),
    ...(!stats.nullOrEmpty && families.length === 1 ? { uniform: true } : {}),
  };
  if (crsProblem) crsProblems.push(crsProblem);
  if (families.length < 2) return [base];
  // Mixed geometry types: one publishable layer per family, all read from the same staged rows
  // (publishing keeps only the features of the layer's family).
  const split = families.map((f) => ({ ...base, name: `${name}_${familyName(f.type)}`, stagedLayer: name, geometryType: f.type, featureCount: f.count }));
  const byName = new Map<string, number>();
  for (const [t, n] of Object.entries(stats.byType)) {
    const shown = t.replace(/^GEOMETRYCOLLECTION\d$/, 'GEOMETRYCOLLECTION');
    byName.set(shown, (byName.get(shown) ?? 0) + n);
  }
  const types = [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${n} ${t}`).join(', ');
  warnings.push(problem('geometry.mixed', { layer: name, types, count: split.length, layers: split.map((l) => `${l.name} (${l.featureCount})`).join(', ') }, { layer: name }));
  return split;
}

