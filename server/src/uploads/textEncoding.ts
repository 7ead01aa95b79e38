import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dbfEncoding } from '../importers/boundaryFiles.js';
import { isUtf8Prefix, legacyEncoding } from '../importers/decodeText.js';
import { refuse } from './problems.js';

/** The text encoding of a dataset's attributes: GDAL's open option for it, and the label the preview shows. */
export interface DatasetEncoding {
  option?: string;
  label: string | null;
}

const sampleBytes = 1024 * 1024;

/** `utf-8` → `UTF-8`, `windows-1257` → `Windows-1257`, as GIS users write them. */
const encodingLabel = (encoding: string) => (/^utf-?8$/i.test(encoding) ? 'UTF-8' : encoding.replace(/^windows-/i, 'Windows-').replace(/^iso-/i, 'ISO-'));
/** GDAL's (iconv's) name: `windows-1257` → `CP1257`. */
const gdalName = (encoding: string) => (/^utf-?8$/i.test(encoding) ? 'UTF-8' : encoding.replace(/^windows-/i, 'CP').toUpperCase());

async function head(file: string, bytes = sampleBytes): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A sibling of `file` with the same base name and another extension, in any case (`.CPG`, `.cpg`). */
export async function siblingFile(file: string, ext: string): Promise<string | undefined> {
  const dir = path.dirname(file);
  const base = file.slice(0, -path.extname(file).length).toLowerCase();
  const name = (await readdir(dir)).find((f) => path.join(dir, f).toLowerCase() === base + ext);
  return name ? path.join(dir, name) : undefined;
}

/** A TextDecoder for the uploader's encoding, refusing names it does not know. */
function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding);
  } catch {
    throw refuse('file.unknownEncoding', { encoding });
  }
}

/**
 * GDAL's ENCODING open option for a shapefile: the uploader's choice, else the `.cpg`/`.cst`,
 * else detected from the DBF records (UTF-8, else Windows-1257, or Windows-1251 for Cyrillic).
 */
export async function shapefileEncoding(shp: string, chosen?: string): Promise<DatasetEncoding> {
  if (chosen) return { option: `ENCODING=${gdalName(chosen)}`, label: encodingLabel(chosen) };
  const dbf = await siblingFile(shp, '.dbf');
  if (!dbf) return { label: null };
  const cpgFile = (await siblingFile(shp, '.cpg')) ?? (await siblingFile(shp, '.cst'));
  const sample = await head(dbf);
  // Whole records only, so a multi-byte character is never cut at the end of the sample.
  const headerLength = sample.length > 12 ? sample.readUInt16LE(8) : 0;
  const recordLength = sample.length > 12 ? Math.max(1, sample.readUInt16LE(10)) : 1;
  const whole = headerLength + Math.floor(Math.max(0, sample.length - headerLength) / recordLength) * recordLength;
  const cpg = cpgFile ? (await readFile(cpgFile, 'latin1')).trim() : undefined;
  const encoding = dbfEncoding(sample.subarray(0, whole), cpg);
  return { option: `ENCODING=${gdalName(encoding)}`, label: encodingLabel(encoding) };
}

/**
 * A CSV as GDAL reads it, which is UTF-8 only: the file itself when it is UTF-8, else a UTF-8
 * copy in `workDir` (same name, with its `.csvt` and `.prj`), converted from the uploader's
 * encoding or the detected one (a CSV saved by Excel on a Latvian Windows is Windows-1257).
 * Streams, so the copy needs no more memory than a chunk.
 */
export async function csvAsUtf8(csv: string, workDir: string, chosen?: string): Promise<{ path: string; encoding: DatasetEncoding }> {
  let encoding = chosen?.trim().toLowerCase();
  if (!encoding) {
    const sample = await head(csv);
    encoding = isUtf8Prefix(sample) ? 'utf-8' : legacyEncoding(sample);
  }
  const label = encodingLabel(encoding);
  if (/^utf-?8$/.test(encoding)) return { path: csv, encoding: { label } };
  const decoder = decoderFor(encoding);
  const dir = path.join(workDir, `utf8-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, path.basename(csv));
  const toUtf8 = new Transform({
    transform(chunk: Buffer, _enc, next) {
      next(null, decoder.decode(chunk, { stream: true }));
    },
    flush(next) {
      next(null, decoder.decode());
    },
  });
  await pipeline(createReadStream(csv), toUtf8, createWriteStream(target));
  for (const ext of ['.csvt', '.prj']) {
    const side = await siblingFile(csv, ext);
    if (side) await copyFile(side, path.join(dir, path.basename(target, path.extname(target)) + ext));
  }
  return { path: target, encoding: { label } };
}

/**
 * The encoding of formats whose text is always, or as declared, Unicode: GeoJSON (RFC 7946),
 * GeoPackage and SQLite (UTF-8); KML, GPX and GML as their XML declaration says (GDAL converts).
 * Null where the file does not say (DXF, MapInfo without a charset).
 */
export async function declaredEncoding(file: string, ext: string): Promise<DatasetEncoding> {
  if (['.geojson', '.json', '.gpkg', '.sqlite', '.fgb'].includes(ext)) return { label: 'UTF-8' };
  if (['.kml', '.gpx', '.gml'].includes(ext)) {
    const start = (await head(file, 200)).toString('latin1');
    const declared = start.match(/^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*encoding=["']([\w.:-]+)["']/i)?.[1];
    return { label: encodingLabel(declared ?? 'utf-8') };
  }
  return { label: null };
}
