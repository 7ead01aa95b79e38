import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { GdalError, postgresArgs, skipDriverArgs, translateArgs, type DatasetInfo, type PgConnection, type SourceLayerInfo, type StagingOptions, type TranslateOptions, type VectorBackend } from './types.js';

const run = promisify(execFile);

/** Messages GDAL printed on stderr, without its "Warning 1:" noise about file extensions. */
function gdalMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('->') && !/non conformant file extension|^FAILURE:$/.test(l))
    .map((l) => l.replace(/ with the following drivers\.$/, '.'));
  const errors = lines.filter((l) => /^(ERROR|Unable to open)/.test(l));
  return (errors.length ? errors : lines).join(' ').replace(/^(ERROR \d+|FAILURE):\s*/g, '') || 'GDAL could not read it';
}

/**
 * A shapefile sent without its .shx index is read anyway: GDAL rebuilds the index from the .shp.
 * Only then: with the option on, a GDAL process may rewrite an index another one is reading
 * (features from some point on came out without geometry in about one upload of twenty).
 */
const restoreShx = (dataset: string) => /\.shp$/i.test(dataset) && !existsSync(dataset.replace(/\.shp$/i, '.shx')) && !existsSync(dataset.replace(/\.shp$/i, '.SHX'));

async function gdal(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, dataset = ''): Promise<string> {
  try {
    const { stdout } = await run(command, args, { env: restoreShx(dataset) ? { ...env, SHAPE_RESTORE_SHX: 'YES' } : env, maxBuffer: 256 * 1024 * 1024, timeout: 30 * 60_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new GdalError(gdalMessage(e.stderr ?? e.message));
  }
}

/**
 * Parses the text of `ogrinfo -so -al -nomd -wkt_format WKT2_2019` (GDAL 3.6 has no `-json`).
 * Each layer block starts with "Layer name:"; the CRS is the indented WKT after "Layer SRS WKT:";
 * fields are the `name: Type (width.precision)` lines at the end of the block.
 */
export function parseOgrinfoText(text: string): DatasetInfo {
  const driver = text.match(/using driver `([^']+)'/)?.[1] ?? 'unknown';
  const layers: SourceLayerInfo[] = [];
  for (const block of text.split(/^Layer name: /m).slice(1)) {
    const lines = block.split('\n');
    // The rest of the line is the name, spaces and all (KML folders have names like " Tracks ").
    const layer: SourceLayerInfo = { name: lines[0].replace(/\r$/, ''), geometryType: 'Unknown', featureCount: -1, fields: [] };
    let i = 1;
    for (; i < lines.length; i++) {
      const line = lines[i];
      if (line.startsWith('Geometry: ')) layer.geometryType = line.slice(10).trim();
      else if (line.startsWith('Feature Count: ')) layer.featureCount = Number(line.slice(15));
      else if (line.startsWith('Layer SRS WKT:')) {
        const wkt: string[] = [];
        while (i + 1 < lines.length && (lines[i + 1].startsWith(' ') || /^[A-Z]+\[/.test(lines[i + 1]))) wkt.push(lines[++i]);
        const text = wkt.join('\n').trim();
        if (text && text !== '(unknown)') layer.wkt = text;
      } else {
        const field = line.match(/^(.+): (\w+(?:\(\w+\))?) \(\d+\.\d+\)(?: NOT NULL)?(?: DEFAULT .*)?$/);
        if (field && !/^(FID Column|Geometry Column|Data axis)/.test(field[1])) {
          const [, name, type] = field;
          const sub = type.match(/^(\w+)\((\w+)\)$/);
          layer.fields.push({ name, type: sub ? (sub[2] === 'Boolean' ? 'Boolean' : sub[1]) : type });
        }
      }
    }
    layers.push(layer);
  }
  return { driver, layers };
}

/** The machine's own GDAL (`ogrinfo`, `ogr2ogr` on the PATH): faster than WebAssembly. */
export async function nativeBackend(): Promise<VectorBackend> {
  const version = (await gdal('ogrinfo', ['--version'])).match(/GDAL (\d+\.\d+\.\d+)/)?.[1] ?? 'unknown';
  return {
    name: 'native',
    version,
    async info(path, openOptions = [], skipDrivers = []) {
      const oo = openOptions.flatMap((o) => ['-oo', o]);
      const text = await gdal('ogrinfo', [...skipDriverArgs(skipDrivers), '-ro', '-so', '-al', '-nomd', '-wkt_format', 'WKT2_2019', ...oo, path], process.env, path);
      return parseOgrinfoText(text);
    },
    async toGeoJson(path: string, layer: string, outPath: string, opts: TranslateOptions = {}) {
      const oo = (opts.openOptions ?? []).flatMap((o) => ['-oo', o]);
      // A layer without a name (an unnamed KML document) is the dataset's only one: name none.
      await gdal('ogr2ogr', [...skipDriverArgs(opts.skipDrivers), ...translateArgs(opts), ...oo, outPath, path, ...(layer ? [layer] : [])], process.env, path);
    },
    async toPostgres(path: string, layer: string, connection: PgConnection, table: string, opts: StagingOptions = {}) {
      const oo = (opts.openOptions ?? []).flatMap((o) => ['-oo', o]);
      const value = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      const pg = `PG:host=${value(connection.host)} port=${value(connection.port)} dbname=${value(connection.database)} user=${value(connection.user)}`;
      // The password goes by environment, never on the command line (visible in ps).
      const env = connection.password ? { ...process.env, PGPASSWORD: connection.password } : undefined;
      await gdal('ogr2ogr', [...skipDriverArgs(opts.skipDrivers), ...postgresArgs(table, opts), ...oo, pg, path, ...(layer ? [layer] : [])], env, path);
    },
  };
}
