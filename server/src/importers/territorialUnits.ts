import type pg from 'pg';
import { readBoundarySource, type BoundaryFeature } from './boundaryFiles.js';
import { ImportError } from './importError.js';
import type { NamedFile } from './zip.js';

export type UnitKind = 'parish' | 'town' | 'village';

export interface TerritorialUnitImportOptions {
  /** Attribute holding the unit's name; found by itself when called name/NOSAUKUMS. */
  nameField?: string;
  /** Every feature is of this kind… */
  kind?: UnitKind;
  /** …or the kind comes from this attribute (pagasts/pilsēta/ciems, VZD TIPS_CD 105/104/106, parish/town/village). */
  kindField?: string;
  /** Attribute holding the ATVK code; found by itself when called ATVK. */
  atvkField?: string;
  /** EPSG code of the coordinates, overriding what the file says (needed when it says nothing). */
  srid?: number;
}

export type UnitSkipProblem = 'no name' | 'unknown kind' | 'no geometry' | 'not a polygon' | 'empty geometry';

export interface SkippedFeature {
  /** 1-based position of the feature in the file. */
  feature: number;
  name: string | null;
  problem: UnitSkipProblem;
  detail: string;
}

export interface TerritorialUnitImportReport {
  format: 'GeoJSON' | 'Shapefile';
  /** The CRS the coordinates were read in. */
  srid: number;
  /** DBF character set (shapefiles only). */
  encoding: string | null;
  nameField: string;
  features: number;
  inserted: number;
  updated: number;
  /** Features that shared a kind and name with another and were joined into one unit. */
  merged: number;
  skipped: number;
  problems: Partial<Record<UnitSkipProblem, number>>;
  skippedFeatures: SkippedFeature[];
  units: { kind: UnitKind; name: string; inserted: boolean }[];
}

/** How boundary data sets name the kinds of unit: Latvian words, VZD type codes, English. */
const KIND_VALUES: Record<string, UnitKind> = {
  parish: 'parish',
  pagasts: 'parish',
  '105': 'parish',
  town: 'town',
  'pilsēta': 'town',
  pilseta: 'town',
  '104': 'town',
  village: 'village',
  ciems: 'village',
  '106': 'village',
};

const NAME_FIELDS = ['name', 'nosaukums', 'nosauk', 'l_name'];
const KIND_FIELDS = ['kind', 'veids', 'tips_cd', 'tips', 'type'];
const ATVK_FIELDS = ['atvk', 'atvk_code', 'atvk_kods', 'atvk_cd'];

/** The first attribute, in `fields`, whose lower-cased name is one of `candidates`. */
function findField(fields: string[], candidates: string[]): string | undefined {
  for (const c of candidates) {
    const hit = fields.find((f) => f.toLowerCase() === c);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Imports administrative boundaries (parishes, towns, villages) from GeoJSON or a shapefile into
 * `territorial_unit`: coordinates reprojected to LKS-92 (EPSG:3059), made valid and multi,
 * several features of one unit joined; existing units (same kind and name) are replaced. Villages
 * get the parish or town they lie in as parent. All or nothing, in one transaction.
 *
 * @param client a connection not in a transaction (the import opens its own)
 * @param files the upload: a .geojson, a .zip, or a .shp with its .dbf/.prj/.cpg
 * @example await importTerritorialUnits(client, 1, [{ name: 'ciemi.zip', data }], { kind: 'village' });
 */
export async function importTerritorialUnits(
  client: pg.PoolClient | pg.Client,
  municipalityId: number,
  files: NamedFile[],
  opts: TerritorialUnitImportOptions = {},
): Promise<TerritorialUnitImportReport> {
  const source = await readBoundarySource(files);
  const srid = opts.srid ?? source.srid;
  if (srid === null) {
    throw new ImportError(
      source.unknownCrs
        ? `The file's CRS is not one this importer recognises (${source.unknownCrs}); give its EPSG code, e.g. --srid 3059 for LKS-92 / Latvia TM.`
        : 'The file has no .prj and no CRS was given; choose one, e.g. EPSG:3059 (--srid 3059) for LKS-92 / Latvia TM.',
    );
  }
  checkCoordinatesFit(source.features, srid);

  const fields = [...new Set(source.features.flatMap((f) => Object.keys(f.properties)))];
  const pick = (given: string | undefined, candidates: string[], what: string) => {
    if (given === undefined) return findField(fields, candidates);
    if (!fields.includes(given)) throw new ImportError(`The file has no ${what} attribute "${given}"; its attributes are: ${fields.join(', ')}.`);
    return given;
  };
  const nameField = pick(opts.nameField, NAME_FIELDS, 'name');
  if (!nameField) {
    throw new ImportError(`Which attribute holds the unit names? Give it with --name-field; the file's attributes are: ${fields.join(', ')}.`);
  }
  const kindField = opts.kind ? undefined : pick(opts.kindField, KIND_FIELDS, 'kind');
  if (!opts.kind && !kindField) {
    throw new ImportError(
      `Which kind of units are these? Give --kind parish, town or village, or --kind-field with the attribute that says it; the file's attributes are: ${fields.join(', ')}.`,
    );
  }
  const atvkField = pick(opts.atvkField, ATVK_FIELDS, 'ATVK');

  const skipped: SkippedFeature[] = [];
  const rows: { kind: UnitKind; name: string; atvk: string | null; geometry: string; number: number }[] = [];
  for (const f of source.features) {
    const name = String(f.properties[nameField] ?? '').trim() || null;
    const skip = (problem: UnitSkipProblem, detail: string) => skipped.push({ feature: f.number, name, problem, detail });
    if (!name) {
      skip('no name', `the ${nameField} attribute is empty`);
      continue;
    }
    const rawKind = kindField ? String(f.properties[kindField] ?? '').trim() : '';
    const kind = opts.kind ?? KIND_VALUES[rawKind.toLowerCase()];
    if (!kind) {
      skip('unknown kind', `${kindField} "${rawKind}" is not a parish, town or village (pagasts, pilsēta, ciems; 105, 104, 106)`);
      continue;
    }
    if (!f.geometry) {
      skip('no geometry', 'the feature has no geometry');
      continue;
    }
    if (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon') {
      skip('not a polygon', `a ${f.geometry.type} cannot be a boundary`);
      continue;
    }
    const atvk = atvkField ? String(f.properties[atvkField] ?? '').trim() || null : null;
    rows.push({ kind, name, atvk, geometry: JSON.stringify(f.geometry), number: f.number });
  }
  if (rows.length === 0) {
    const first = skipped.slice(0, 3).map((s) => `feature ${s.feature}: ${s.detail}`).join('; ');
    throw new ImportError(`None of the ${source.features.length} features can be imported${first ? ` (${first})` : ''}.`);
  }

  let written: { kind: UnitKind; name: string; inserted: boolean }[];
  await client.query('BEGIN');
  try {
    const { rowCount } = await client.query('SELECT 1 FROM municipality WHERE id = $1', [municipalityId]);
    if (!rowCount) throw new ImportError(`There is no municipality with id ${municipalityId}; create it first or choose another.`);
    const known = await client.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid]);
    if (!known.rowCount) throw new ImportError(`EPSG:${srid} is not a CRS the database knows; check the code (LKS-92 / Latvia TM is 3059).`);
    ({ rows: written } = await client.query<{ kind: UnitKind; name: string; inserted: boolean }>(UPSERT_UNITS, [
      municipalityId,
      rows.map((r) => r.kind),
      rows.map((r) => r.name),
      rows.map((r) => r.atvk),
      rows.map((r) => r.geometry),
      srid,
    ]));
    await client.query(LINK_VILLAGES_TO_PARENTS, [municipalityId]);
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => {});
    if (cause instanceof ImportError) throw cause;
    throw new Error('importing territorial units', { cause });
  }

  const key = (u: { kind: string; name: string }) => `${u.kind}\u0000${u.name}`;
  const writtenKeys = new Set(written.map(key));
  const groups = new Map<string, number>();
  for (const r of rows) groups.set(key(r), (groups.get(key(r)) ?? 0) + 1);
  for (const r of rows) {
    if (!writtenKeys.has(key(r))) {
      skipped.push({ feature: r.number, name: r.name, problem: 'empty geometry', detail: 'nothing of the polygon is left once made valid' });
    }
  }
  skipped.sort((a, b) => a.feature - b.feature);
  const problems: TerritorialUnitImportReport['problems'] = {};
  for (const s of skipped) problems[s.problem] = (problems[s.problem] ?? 0) + 1;
  return {
    format: source.format,
    srid,
    encoding: source.encoding,
    nameField,
    features: source.features.length,
    inserted: written.filter((w) => w.inserted).length,
    updated: written.filter((w) => !w.inserted).length,
    merged: [...groups.entries()].filter(([k]) => writtenKeys.has(k)).reduce((n, [, count]) => n + count - 1, 0),
    skipped: skipped.length,
    problems,
    skippedFeatures: skipped,
    units: written,
  };
}

/**
 * Longitude/latitude given for metres, or the reverse, is the commonest mistake with boundary
 * files; catch it before PostGIS turns it into shapes in the ocean.
 */
function checkCoordinatesFit(features: BoundaryFeature[], srid: number) {
  const geographic = srid === 4326 || srid === 4661;
  let sample: number[] | undefined;
  const visit = (c: unknown): void => {
    if (sample || !Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      const looksLikeDegrees = Math.abs(x) <= 180 && Math.abs(y) <= 90;
      if (geographic !== looksLikeDegrees) sample = [x, y];
      return;
    }
    for (const inner of c) visit(inner);
  };
  for (const f of features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  if (!sample) return;
  throw new ImportError(
    geographic
      ? `The coordinates look like metres (e.g. ${sample.join(' ')}), but the file is read as longitude/latitude (EPSG:${srid}). If they are LKS-92 / Latvia TM, give --srid 3059.`
      : `The coordinates look like longitude/latitude (e.g. ${sample.join(' ')}), but the file is read as EPSG:${srid}. If they are WGS-84, give --srid 4326.`,
  );
}

/**
 * Builds each unit from its features (brought to 3059, 2D, made valid, polygons only, joined by
 * kind and name) and upserts it; `xmax = 0` tells an insert from an update.
 */
const UPSERT_UNITS = `
  WITH input AS (
    SELECT u.kind, u.name, u.atvk, u.ord,
           ST_CollectionExtract(ST_MakeValid(ST_Force2D(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(u.geojson), $6), 3059))), 3) AS geom
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(kind, name, atvk, geojson, ord)
  ), unit AS (
    SELECT kind, name, max(atvk) AS atvk, ST_Multi(ST_Union(geom)) AS geom, min(ord) AS ord
      FROM input WHERE NOT ST_IsEmpty(geom)
     GROUP BY kind, name
  )
  INSERT INTO territorial_unit (municipality_id, kind, name, atvk_code, geom)
  SELECT $1, kind, name, atvk, geom FROM unit ORDER BY ord
  ON CONFLICT (municipality_id, kind, name) DO UPDATE
     SET atvk_code = coalesce(EXCLUDED.atvk_code, territorial_unit.atvk_code), geom = EXCLUDED.geom
  RETURNING kind, name, (xmax = 0) AS inserted`;

/** A village without a parent gets the parish or town its interior point lies in. */
const LINK_VILLAGES_TO_PARENTS = `
  UPDATE territorial_unit v SET parent_id = p.id
    FROM territorial_unit p
   WHERE v.municipality_id = $1 AND v.kind = 'village' AND v.parent_id IS NULL
     AND p.municipality_id = $1 AND p.kind IN ('parish', 'town')
     AND ST_Intersects(p.geom, ST_PointOnSurface(v.geom))`;
