import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GdalError, translateArgs, type DatasetInfo, type TranslateOptions, type VectorBackend } from './types.js';

interface GdalDataset {
  pointer: number;
  path: string;
}
interface GdalJs {
  open(file: string, openOptions?: string[]): Promise<{ datasets: GdalDataset[]; errors: unknown[] }>;
  close(dataset: GdalDataset): Promise<void>;
  ogrinfo(dataset: GdalDataset, options?: string[]): Promise<Record<string, unknown>>;
  ogr2ogr(dataset: GdalDataset, options: string[], outputName?: string): Promise<{ local: string; real: string }>;
  /** The Emscripten module, for GDAL's C API (config options). */
  Module: { ccall(name: string, returns: null, types: string[], args: unknown[]): void };
}

interface JsonLayer {
  name: string;
  featureCount?: number;
  geometryFields?: { type: string; coordinateSystem?: { wkt?: string } }[];
  fields?: { name: string; type: string; subType?: string }[];
}

const require = createRequire(import.meta.url);

function message(err: unknown): string {
  const list = Array.isArray(err) ? err : [err];
  const text = list
    .map((e) => (e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e)))
    .filter((m) => m && !/non conformant file extension/.test(m));
  return text.join(' ') || 'GDAL could not read it';
}

/**
 * GDAL compiled to WebAssembly (`gdal3.js`, from npm): works after `npm ci` alone. Files are read
 * from disk through Emscripten's NODEFS, and results written to a scratch folder, so nothing is
 * held in memory whole. Calls run one at a time (the module is single-threaded).
 */
export async function wasmBackend(): Promise<VectorBackend> {
  const packageDir = path.join(path.dirname(require.resolve('gdal3.js/package.json')), 'dist/package');
  const outDir = path.join(tmpdir(), `gdal3js-out-${process.pid}`);
  await mkdir(outDir, { recursive: true });
  const init = require('gdal3.js/node.js') as (opts: object) => Promise<GdalJs>;
  // gdal3.js reads its files from `./${path}`, so the path must be relative to the working directory.
  const gdal = await init({ path: path.relative(process.cwd(), packageDir) || '.', useWorker: false, dest: outDir, logHandler: () => {}, errorHandler: () => {} });
  // As with the native GDAL: a shapefile without its .shx index is read, the index rebuilt.
  gdal.Module.ccall('CPLSetConfigOption', null, ['string', 'string'], ['SHAPE_RESTORE_SHX', 'YES']);
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => {});
    return next;
  };
  async function withDataset<T>(file: string, openOptions: string[], use: (ds: GdalDataset) => Promise<T>): Promise<T> {
    let opened;
    try {
      opened = await gdal.open(path.resolve(file), openOptions);
    } catch (err) {
      throw new GdalError(message(err));
    }
    const ds = opened.datasets[0];
    if (!ds) throw new GdalError(message(opened.errors));
    try {
      return await use(ds);
    } finally {
      await gdal.close(ds).catch(() => {});
    }
  }
  let counter = 0;
  return {
    name: 'gdal3.js',
    version: '3.8 (gdal3.js)',
    info(file, openOptions = []) {
      return serial(() =>
        withDataset(file, openOptions, async (ds): Promise<DatasetInfo> => {
          const info = (await gdal.ogrinfo(ds, ['-so', '-al'])) as { driverShortName?: string; layers?: JsonLayer[] };
          return {
            driver: info.driverShortName ?? 'unknown',
            layers: (info.layers ?? []).map((l) => ({
              name: l.name,
              geometryType: l.geometryFields?.[0]?.type ?? 'None',
              featureCount: l.featureCount ?? -1,
              wkt: l.geometryFields?.[0]?.coordinateSystem?.wkt || undefined,
              fields: (l.fields ?? []).map((f) => ({ name: f.name, type: f.subType === 'Boolean' ? 'Boolean' : f.type })),
            })),
          };
        }),
      );
    },
    toGeoJson(file: string, layer: string, outPath: string, opts: TranslateOptions = {}) {
      return serial(() =>
        withDataset(file, opts.openOptions ?? [], async (ds) => {
          const name = `out-${++counter}`;
          try {
            const result = await gdal.ogr2ogr(ds, [...translateArgs(opts), ...(layer ? [layer] : [])], name);
            await rename(result.real, outPath);
          } catch (err) {
            await rm(path.join(outDir, `${name}.geojson`), { force: true });
            throw new GdalError(message(err));
          }
        }),
      );
    },
  };
}
