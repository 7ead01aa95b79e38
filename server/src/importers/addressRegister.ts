import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import { decodeText, type TextEncoding } from './decodeText.js';
import { ImportError } from './importError.js';

/**
 * Importer of the State Address Register's open data file `AW_EKA` (VZD): one CSV row per
 * address object with KODS, TIPS_CD, STATUSS, VKUR_CD, NOSAUKUMS, STD (full address), ATRIB
 * (postcode), KOORD_X (northing!), KOORD_Y (easting) in LKS-92, and DD_N/DD_E in WGS-84.
 */

export interface CsvDialect {
  delimiter: ',' | ';';
  quote: '"' | '#';
}

/** One address ready for the database; x/y are easting/northing (3059) or lon/lat (4326). */
export interface AddressRecord {
  line: number;
  /** KODS as text: a bigint that JavaScript numbers could round. */
  code: string;
  typeCode: number | null;
  status: 'EKS' | 'DEL' | 'ERR';
  name: string | null;
  fullAddress: string;
  postcode: string | null;
  x: number;
  y: number;
  srid: 3059 | 4326;
}

export type AddressSkipProblem =
  | 'malformed CSV'
  | 'wrong number of fields'
  | 'bad KODS'
  | 'bad TIPS_CD'
  | 'bad STATUSS'
  | 'empty STD'
  | 'no coordinates'
  | 'coordinates outside Latvia'
  | 'duplicate KODS'
  | 'outside the municipality';

export interface SkippedAddressRow {
  /** Line of the file (the header is line 1). */
  line: number;
  code: string | null;
  problem: AddressSkipProblem;
  detail: string;
}

export interface ParsedAddressRegister {
  encoding: TextEncoding;
  dialect: CsvDialect;
  /** Data rows read (header excluded). */
  rows: number;
  records: AddressRecord[];
  skipped: SkippedAddressRow[];
}

export interface AddressImportReport {
  encoding: TextEncoding;
  dialect: CsvDialect;
  rows: number;
  inserted: number;
  updated: number;
  skipped: number;
  /** Skipped rows per problem. */
  problems: Partial<Record<AddressSkipProblem, number>>;
  /** The first `MAX_REPORTED_ROWS` skipped rows, with line numbers, for the person to fix. */
  skippedRows: SkippedAddressRow[];
}

export interface AddressImportOptions {
  /** Rows per INSERT statement. */
  batchSize?: number;
  /**
   * Keep only addresses inside the municipality's boundary (when it has one), so the national
   * file can be imported as it is downloaded. Default true.
   */
  insideBoundaryOnly?: boolean;
}

const MAX_REPORTED_ROWS = 1000;

/** Rough extent of Latvia, to catch swapped or mistyped coordinates. */
const LKS92_EASTING: [number, number] = [290_000, 780_000];
const LKS92_NORTHING: [number, number] = [150_000, 460_000];
const LONGITUDE: [number, number] = [20.8, 28.3];
const LATITUDE: [number, number] = [55.6, 58.2];

const inRange = (v: number, [lo, hi]: [number, number]) => v >= lo && v <= hi;

/** "311234.56" or, in the older `;` files, "311234,56". */
function parseCoordinate(text: string): number | null {
  if (!/^-?\d+([.,]\d+)?$/.test(text)) return null;
  return Number(text.replace(',', '.'));
}

/**
 * Tells the two AW_EKA dialects apart by the header line: the current one separates with `,`
 * and quotes with `"`, the older one separates with `;` and quotes with `#`.
 */
export function detectDialect(headerLine: string): CsvDialect {
  const semicolons = headerLine.split(';').length;
  const commas = headerLine.split(',').length;
  if (semicolons > commas) return { delimiter: ';', quote: headerLine.includes('"') ? '"' : '#' };
  return { delimiter: ',', quote: headerLine.includes('#') ? '#' : '"' };
}

/** Reads an AW_EKA file into address records and a list of rows that cannot be used, with why. */
export function parseAddressRegister(bytes: Uint8Array): ParsedAddressRegister {
  const { text, encoding } = decodeText(bytes);
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  const dialect = detectDialect(headerLine);
  const skipped: SkippedAddressRow[] = [];
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter: dialect.delimiter,
      quote: dialect.quote,
      // A quote inside text is written twice ("" or ##); csv-parse's default escape is always
      // '"', which in the # dialect would swallow the # after a literal " (Ūdri "Vecie"#).
      escape: dialect.quote,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        const line = Number((err as { lines?: unknown } | undefined)?.lines ?? 0);
        // One broken row can raise several errors; report it once.
        if (!skipped.some((s) => s.line === line)) {
          skipped.push({ line, code: null, problem: 'malformed CSV', detail: err?.message ?? 'unreadable row' });
        }
        return undefined;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (cause) {
    throw new ImportError(`The address file is not readable as CSV: ${(cause as Error).message}`, { cause });
  }
  if (parsed.length === 0) throw new ImportError('The address file is empty: expected an AW_EKA header line and rows.');

  const header = parsed[0].record.map((h) => h.trim().toUpperCase());
  const col = (name: string) => header.indexOf(name);
  const missing = ['KODS', 'STD'].filter((c) => col(c) < 0);
  const hasKoord = col('KOORD_X') >= 0 && col('KOORD_Y') >= 0;
  const hasDd = col('DD_N') >= 0 && col('DD_E') >= 0;
  if (!hasKoord && !hasDd) missing.push('KOORD_X and KOORD_Y (or DD_N and DD_E)');
  if (missing.length) {
    throw new ImportError(
      `The address file has no ${missing.join(', ')} column. Is it the State Address Register's AW_EKA file? ` +
        `Its header should name KODS, TIPS_CD, STATUSS, STD, ATRIB, KOORD_X, KOORD_Y, DD_N, DD_E; this one has: ${header.join(', ')}.`,
    );
  }

  const byCode = new Map<string, AddressRecord>();
  for (const { record, info } of parsed.slice(1)) {
    const line = info.lines;
    const get = (name: string) => (col(name) >= 0 ? (record[col(name)] ?? '').trim() : '');
    const code = get('KODS') || null;
    const skip = (problem: AddressSkipProblem, detail: string) => skipped.push({ line, code, problem, detail });
    if (record.length !== header.length) {
      skip('wrong number of fields', `has ${record.length} fields, the header has ${header.length}`);
      continue;
    }
    if (!code || !/^\d{1,18}$/.test(code)) {
      skip('bad KODS', `KODS "${code ?? ''}" is not an address code (a whole number)`);
      continue;
    }
    const typeText = get('TIPS_CD');
    if (typeText && !/^\d{1,9}$/.test(typeText)) {
      skip('bad TIPS_CD', `TIPS_CD "${typeText}" is not a type code (a whole number)`);
      continue;
    }
    const status = (get('STATUSS') || 'EKS').toUpperCase();
    if (status !== 'EKS' && status !== 'DEL' && status !== 'ERR') {
      skip('bad STATUSS', `STATUSS "${status}" is not EKS, DEL or ERR`);
      continue;
    }
    const fullAddress = get('STD');
    if (!fullAddress) {
      skip('empty STD', 'STD (the full address) is empty');
      continue;
    }
    const point = locate(get);
    if ('problem' in point) {
      skip(point.problem, point.detail);
      continue;
    }
    const previous = byCode.get(code);
    if (previous) {
      skipped.push({ line: previous.line, code, problem: 'duplicate KODS', detail: `KODS ${code} appears again on line ${line}; that later row was used` });
    }
    byCode.set(code, {
      line,
      code,
      typeCode: typeText ? Number(typeText) : null,
      status,
      name: get('NOSAUKUMS') || null,
      fullAddress,
      postcode: get('ATRIB') || null,
      ...point,
    });
  }
  skipped.sort((a, b) => a.line - b.line);
  const malformed = skipped.filter((s) => s.problem === 'malformed CSV').length;
  return { encoding, dialect, rows: parsed.length - 1 + malformed, records: [...byCode.values()], skipped };
}

/** KOORD_X is the northing and KOORD_Y the easting (LKS-92); DD_N/DD_E when KOORD is absent. */
function locate(get: (name: string) => string): Pick<AddressRecord, 'x' | 'y' | 'srid'> | { problem: AddressSkipProblem; detail: string } {
  const kx = get('KOORD_X');
  const ky = get('KOORD_Y');
  if (kx || ky) {
    const northing = parseCoordinate(kx);
    const easting = parseCoordinate(ky);
    if (northing === null || easting === null) {
      return { problem: 'no coordinates', detail: `KOORD_X "${kx}" / KOORD_Y "${ky}" are not numbers` };
    }
    if (!inRange(easting, LKS92_EASTING) || !inRange(northing, LKS92_NORTHING)) {
      return {
        problem: 'coordinates outside Latvia',
        detail: `KOORD_X ${kx} / KOORD_Y ${ky} fall outside Latvia (KOORD_X is the LKS-92 northing, KOORD_Y the easting)`,
      };
    }
    return { x: easting, y: northing, srid: 3059 };
  }
  const dn = get('DD_N');
  const de = get('DD_E');
  if (dn || de) {
    const lat = parseCoordinate(dn);
    const lon = parseCoordinate(de);
    if (lat === null || lon === null) return { problem: 'no coordinates', detail: `DD_N "${dn}" / DD_E "${de}" are not numbers` };
    if (!inRange(lon, LONGITUDE) || !inRange(lat, LATITUDE)) {
      return { problem: 'coordinates outside Latvia', detail: `DD_N ${dn} / DD_E ${de} fall outside Latvia (DD_N is the latitude)` };
    }
    return { x: lon, y: lat, srid: 4326 };
  }
  return { problem: 'no coordinates', detail: 'neither KOORD_X/KOORD_Y nor DD_N/DD_E is filled in' };
}

/**
 * Imports an AW_EKA file into the municipality's `address` table: new codes are inserted,
 * known codes (per municipality) updated. All or nothing: one transaction, bulk statements of
 * `batchSize` rows. Rows that cannot be used are skipped and reported with their line.
 *
 * @param client a connection not in a transaction (the import opens its own)
 * @param bytes the file as downloaded: UTF-8, or Windows-1257 in older exports
 * @example const report = await importAddressRegister(client, 1, await readFile('AW_EKA.csv'));
 */
export async function importAddressRegister(
  client: pg.PoolClient | pg.Client,
  municipalityId: number,
  bytes: Uint8Array,
  opts: AddressImportOptions = {},
): Promise<AddressImportReport> {
  const parsed = parseAddressRegister(bytes);
  const skipped = [...parsed.skipped];
  if (parsed.records.length === 0) {
    const first = skipped.slice(0, 3).map((s) => `line ${s.line}: ${s.detail}`).join('; ');
    throw new ImportError(`None of the ${parsed.rows} rows of the address file can be imported${first ? ` (${first})` : ''}. Fix the file and import it again.`);
  }
  const batchSize = opts.batchSize ?? 5000;
  const insideOnly = opts.insideBoundaryOnly ?? true;
  let inserted = 0;
  let updated = 0;
  await client.query('BEGIN');
  try {
    const { rowCount } = await client.query('SELECT 1 FROM municipality WHERE id = $1', [municipalityId]);
    if (!rowCount) throw new ImportError(`There is no municipality with id ${municipalityId}; create it first or choose another.`);
    for (let i = 0; i < parsed.records.length; i += batchSize) {
      const batch = parsed.records.slice(i, i + batchSize);
      const { rows } = await client.query<{ code: string; inserted: boolean }>(UPSERT_ADDRESSES, [
        municipalityId,
        batch.map((r) => r.code),
        batch.map((r) => r.typeCode),
        batch.map((r) => r.status),
        batch.map((r) => r.name),
        batch.map((r) => r.fullAddress),
        batch.map((r) => r.postcode),
        batch.map((r) => r.x),
        batch.map((r) => r.y),
        batch.map((r) => r.srid),
        insideOnly,
      ]);
      for (const r of rows) r.inserted ? inserted++ : updated++;
      if (rows.length < batch.length) {
        const written = new Set(rows.map((r) => r.code));
        for (const r of batch) {
          if (!written.has(r.code)) {
            skipped.push({ line: r.line, code: r.code, problem: 'outside the municipality', detail: 'the point lies outside the municipality boundary' });
          }
        }
      }
    }
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => {});
    if (cause instanceof ImportError) throw cause;
    throw new Error('importing AW_EKA addresses', { cause });
  }
  skipped.sort((a, b) => a.line - b.line);
  const problems: AddressImportReport['problems'] = {};
  for (const s of skipped) problems[s.problem] = (problems[s.problem] ?? 0) + 1;
  return {
    encoding: parsed.encoding,
    dialect: parsed.dialect,
    rows: parsed.rows,
    inserted,
    updated,
    skipped: skipped.length,
    problems,
    skippedRows: skipped.slice(0, MAX_REPORTED_ROWS),
  };
}

/**
 * One batch: points made in their own CRS and brought to 3059, the village (or town) found by
 * location, and an upsert on the register code. `xmax = 0` tells an insert from an update.
 */
const UPSERT_ADDRESSES = `
  WITH input AS (
    SELECT u.*,
           CASE WHEN u.srid = 3059 THEN ST_SetSRID(ST_MakePoint(u.x, u.y), 3059)
                ELSE ST_Transform(ST_SetSRID(ST_MakePoint(u.x, u.y), 4326), 3059) END AS geom
      FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::int[])
             AS u(code, type_code, status, name, full_address, postcode, x, y, srid)
  )
  INSERT INTO address (municipality_id, code, type_code, status, name, full_address, postcode, village_id, geom)
  SELECT $1, i.code, i.type_code, i.status, i.name, i.full_address, i.postcode,
         (SELECT t.id FROM territorial_unit t
           WHERE t.municipality_id = $1 AND t.kind IN ('village', 'town') AND ST_Intersects(t.geom, i.geom)
           ORDER BY t.kind = 'village' DESC, t.id LIMIT 1),
         i.geom
    FROM input i, municipality m
   WHERE m.id = $1 AND (NOT $11::boolean OR m.boundary IS NULL OR ST_Intersects(m.boundary, i.geom))
  ON CONFLICT (municipality_id, code) DO UPDATE
     SET type_code = EXCLUDED.type_code, status = EXCLUDED.status, name = EXCLUDED.name,
         full_address = EXCLUDED.full_address, postcode = EXCLUDED.postcode, village_id = EXCLUDED.village_id,
         geom = EXCLUDED.geom
  RETURNING code::text AS code, (xmax = 0) AS inserted`;
