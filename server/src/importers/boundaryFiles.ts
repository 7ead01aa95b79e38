import type { Geometry } from 'geojson';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { open as openShapefile } from 'shapefile';
import { decodeText, isUtf8, legacyEncoding } from './decodeText.js';
import { ImportError } from './importError.js';
import { unzip, type NamedFile } from './zip.js';

export interface BoundaryFeature {
  /** 1-based position in the file, for reports. */
  number: number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
}

/** Features read from a GeoJSON file or a shapefile, with what the file says about itself. */
export interface BoundarySource {
  format: 'GeoJSON' | 'Shapefile';
  /** The CRS the file declares (GeoJSON without `crs` is CRS84 → 4326); null when none is known. */
  srid: number | null;
  /** The CRS as the file names it, when it names one this importer does not recognise. */
  unknownCrs: string | null;
  /** Character set of the shapefile's DBF; null for GeoJSON (always UTF-8). */
  encoding: string | null;
  features: BoundaryFeature[];
}

const ext = (name: string) => path.extname(name).toLowerCase();
const base = (name: string) => name.slice(0, name.length - path.extname(name).length).toLowerCase();

/**
 * Reads boundary features from uploaded files: a `.geojson`/`.json`, a `.zip` holding either,
 * or a `.shp` with its `.dbf` (and `.prj`, `.cpg`) side files.
 */
export async function readBoundarySource(files: NamedFile[]): Promise<BoundarySource> {
  const all = (await Promise.all(files.map((f) => (ext(f.name) === '.zip' ? unzip(f.data) : [f])))).flat();
  const shps = all.filter((f) => ext(f.name) === '.shp');
  const jsons = all.filter((f) => ext(f.name) === '.geojson' || ext(f.name) === '.json');
  if (shps.length + jsons.length === 0) {
    throw new ImportError(
      `No boundary file found among ${all.map((f) => f.name).join(', ') || 'the files given'}. Give a .geojson, a .shp with its .dbf, or a .zip holding them.`,
    );
  }
  if (shps.length + jsons.length > 1) {
    throw new ImportError(`There are several boundary files (${[...shps, ...jsons].map((f) => f.name).join(', ')}); import them one at a time.`);
  }
  if (jsons.length) return readGeoJson(jsons[0]);
  const shp = shps[0];
  const sibling = (extension: string) => all.find((f) => ext(f.name) === extension && base(f.name) === base(shp.name));
  return readShapefile(shp, sibling('.dbf'), sibling('.prj'), sibling('.cpg'));
}

/** The files a CLI path stands for: the file itself, or a `.shp` with its side files. */
export async function boundaryFilesFromPath(file: string): Promise<NamedFile[]> {
  if (ext(file) !== '.shp') return [{ name: path.basename(file), data: await readFile(file) }];
  const dir = path.dirname(file);
  const wanted = new Set(['.shp', '.shx', '.dbf', '.prj', '.cpg']);
  const names = (await readdir(dir)).filter((n) => base(n) === base(path.basename(file)) && wanted.has(ext(n)));
  return Promise.all(names.map(async (name) => ({ name, data: await readFile(path.join(dir, name)) })));
}

function readGeoJson(file: NamedFile): BoundarySource {
  let json: any;
  try {
    json = JSON.parse(decodeText(file.data).text);
  } catch (cause) {
    throw new ImportError(`${file.name} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const features: any[] =
    json?.type === 'FeatureCollection' && Array.isArray(json.features) ? json.features : json?.type === 'Feature' ? [json] : null!;
  if (!features) throw new ImportError(`${file.name} is not a GeoJSON FeatureCollection or Feature.`);
  const srid = sridFromGeoJsonCrs(json.crs);
  return {
    format: 'GeoJSON',
    srid,
    unknownCrs: srid === null ? JSON.stringify(json.crs) : null,
    encoding: null,
    features: features.map((f, i) => ({ number: i + 1, properties: f?.properties ?? {}, geometry: f?.geometry ?? null })),
  };
}

/**
 * The SRID a GeoJSON `crs` member names. RFC 7946 GeoJSON has no `crs` and is CRS84 (4326);
 * older files, and GDAL's output in national CRSs, name one, e.g. `urn:ogc:def:crs:EPSG::3059`.
 */
export function sridFromGeoJsonCrs(crs: unknown): number | null {
  if (crs === undefined || crs === null) return 4326;
  const name = (crs as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name === 'string') {
    if (/CRS:?84$/i.test(name)) return 4326;
    const epsg = name.match(/EPSG:{1,2}(\d+)$/i) ?? name.match(/\/EPSG\/\d+\/(\d+)$/i);
    if (epsg) return Number(epsg[1]);
  }
  return null;
}

/**
 * The SRID a shapefile's `.prj` (ESRI WKT, or OGC WKT with an EPSG authority) describes, or
 * null when it is not one this importer knows. ESRI's WKT for LKS-92 / Latvia TM carries no
 * EPSG code, only names such as `LKS_1992_Latvia_TM`.
 */
export function sridFromPrj(wkt: string): number | null {
  const text = wkt.trim();
  const authority = text.match(/(?:AUTHORITY\["EPSG",\s*"?(\d+)"?\]|ID\["EPSG",\s*(\d+)\])\s*\]\s*$/i);
  if (authority) return Number(authority[1] ?? authority[2]);
  const head = text.match(/^(PROJCS|PROJCRS|GEOGCS|GEOGCRS|GEODCRS)\["([^"]*)"/i);
  if (!head) return null;
  const projected = head[1].toUpperCase().startsWith('PROJ');
  const name = head[2];
  if (projected && /LKS[\s_-]?(19)?92|Latvia/i.test(name)) return 3059;
  if (projected && /Pseudo[\s_-]?Mercator|Web[\s_-]?Mercator|Mercator_Auxiliary_Sphere/i.test(name)) return 3857;
  if (!projected && /LKS[\s_-]?(19)?92/i.test(name)) return 4661;
  if (!projected && /WGS[\s_-]?(19)?84/i.test(name)) return 4326;
  return null;
}

/**
 * The DBF character set: from the `.cpg` when it names one; otherwise UTF-8 when the records
 * are valid UTF-8, else Windows-1257, what Latvian GIS software writes by default (Windows-1251
 * when the text is mostly Cyrillic).
 */
export function dbfEncoding(dbf: Uint8Array, cpg?: string): string {
  const declared = cpg?.trim().toLowerCase() ?? '';
  if (/^utf-?8$/.test(declared)) return 'utf-8';
  const codePage = declared.match(/^(?:cp|windows-?|ansi\s*)?(125\d)$/);
  if (codePage) return `windows-${codePage[1]}`;
  const iso = declared.match(/^(?:iso)?[-_ ]?8859[-_ ]?(\d{1,2})$/);
  if (iso) return `iso-8859-${iso[1]}`;
  if (declared) {
    try {
      new TextDecoder(declared);
      return declared;
    } catch {
      // An unknown label: guess from the bytes as if there were no .cpg.
    }
  }
  const headerLength = dbf.length >= 10 ? dbf[8] | (dbf[9] << 8) : 0;
  const records = dbf.subarray(headerLength);
  return isUtf8(records) ? 'utf-8' : legacyEncoding(records);
}

async function readShapefile(shp: NamedFile, dbf?: NamedFile, prj?: NamedFile, cpg?: NamedFile): Promise<BoundarySource> {
  if (!dbf) throw new ImportError(`${shp.name} came without its .dbf, which holds the names; give the .dbf too (or zip all the files together).`);
  const wkt = prj ? decodeText(prj.data).text : null;
  const srid = wkt === null ? null : sridFromPrj(wkt);
  const encoding = dbfEncoding(dbf.data, cpg ? decodeText(cpg.data).text : undefined);
  const features: BoundaryFeature[] = [];
  try {
    const source = await openShapefile(shp.data, dbf.data, { encoding });
    for (let r = await source.read(); !r.done; r = await source.read()) {
      features.push({ number: features.length + 1, properties: r.value.properties ?? {}, geometry: r.value.geometry ?? null });
    }
  } catch (cause) {
    throw new ImportError(`${shp.name} could not be read as a shapefile (${(cause as Error).message}); check that the .shp and .dbf belong together.`, { cause });
  }
  return { format: 'Shapefile', srid, unknownCrs: wkt !== null && srid === null ? wkt.slice(0, 120) : null, encoding, features };
}
