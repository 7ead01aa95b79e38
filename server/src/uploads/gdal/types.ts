/** One layer of a dataset as GDAL reports it. */
export interface SourceLayerInfo {
  name: string;
  /** OGR's geometry type name as reported (`Multi Polygon`, `3D Point`, `PolygonZ`, `None`…). */
  geometryType: string;
  /** -1 when the driver cannot tell without reading every feature. */
  featureCount: number;
  /** The layer CRS as WKT2, when it has one. */
  wkt?: string;
  /** The layer CRS as an EPSG code, when it is known without WKT (a GeoJSON's "crs" member). */
  epsg?: number;
  fields: { name: string; type: string }[];
}

export interface DatasetInfo {
  /** GDAL driver short name: `ESRI Shapefile`, `GPKG`, `GeoJSON`, `KML`… */
  driver: string;
  layers: SourceLayerInfo[];
}

export interface TranslateOptions {
  /** Driver open options, e.g. `ENCODING=CP1257` for a shapefile. */
  openOptions?: string[];
  /** Reproject to this CRS (`EPSG:3059`) while converting; otherwise coordinates stay as they are. */
  targetSrs?: string;
  /** GDAL drivers not to try when opening the file (`LIBKML`, so that the simpler KML driver reads it). */
  skipDrivers?: string[];
}

/** How `toPostgres` makes its table, beside what `TranslateOptions` says of the reading. */
export interface StagingOptions extends TranslateOptions {
  /**
   * The geometry column's type when the layer's is known before reading (`POINT`, `MULTIPOLYGON`
   * from a shapefile's header): single parts are promoted to it. Otherwise any geometry.
   */
  geometryType?: 'POINT' | 'MULTIPOINT' | 'MULTILINESTRING' | 'MULTIPOLYGON';
  /** Write the table with the write-ahead log, so that publishing it needs no rewrite to make it logged. */
  logged?: boolean;
}

/**
 * What the upload pipeline needs from GDAL. Two implementations behave the same: the WebAssembly
 * build that ships with npm (`gdal3.js`) and a native `ogr2ogr`/`ogrinfo` found on the machine.
 */
export interface VectorBackend {
  readonly name: 'gdal3.js' | 'native';
  /** GDAL's version, e.g. `3.6.2`. */
  readonly version: string;
  /**
   * Lists the vector layers of the dataset at `path`; throws GdalError when GDAL cannot open it.
   * `skipDrivers` as in TranslateOptions (the WebAssembly build registers its drivers once and
   * cannot skip any).
   */
  info(path: string, openOptions?: string[], skipDrivers?: string[]): Promise<DatasetInfo>;
  /**
   * Writes one layer as GeoJSON (one feature per line, coordinates in the source CRS unless
   * `targetSrs` is given, Z and M dropped) to `outPath`.
   */
  toGeoJson(path: string, layer: string, outPath: string, opts?: TranslateOptions): Promise<void>;
  /**
   * Writes one layer straight into a new table of a PostgreSQL database with COPY (`ogr2ogr -f
   * PostgreSQL`): geometry column `_upload_geom` (any type, 2D, coordinates in the source CRS unless
   * `targetSrs` is given), serial `_upload_fid` from 1 in file order, the fields under their own
   * names. Only a native GDAL can (the WebAssembly build has no network); it needs a database that
   * takes a second connection. An empty `layer` means the dataset's only layer.
   */
  toPostgres?(path: string, layer: string, connection: PgConnection, table: string, opts?: StagingOptions): Promise<void>;
}

/** Where `toPostgres` writes: libpq parameters taken from the server's connection string. */
export interface PgConnection {
  host: string;
  port: string;
  database: string;
  user: string;
  password?: string;
}

/** libpq parameters from a `postgres://` URL (GDAL's `PG:` string takes the same keys). */
export function pgConnection(connectionString: string): PgConnection {
  const url = new URL(connectionString);
  return {
    host: decodeURIComponent(url.hostname || '127.0.0.1').replace(/^\[|\]$/g, ''),
    port: url.port || '5432',
    database: decodeURIComponent(url.pathname.slice(1)),
    user: decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/**
 * ogr2ogr arguments for `toPostgres`. The staged geometry is labelled EPSG:3059 when not
 * reprojected, only so that GDAL never adds the file's own CRS to `spatial_ref_sys` (publishing
 * sets the file's SRID); COPY into an unlogged table unless asked, no spatial index, names not
 * laundered.
 */
export function postgresArgs(table: string, opts: StagingOptions = {}): string[] {
  return [
    '-f', 'PostgreSQL',
    '--config', 'PG_USE_COPY', 'YES',
    '-nln', table,
    '-nlt', opts.geometryType ?? 'GEOMETRY',
    '-dim', 'XY',
    '-lco', 'GEOMETRY_NAME=_upload_geom',
    '-lco', 'FID=_upload_fid',
    '-lco', 'LAUNDER=NO',
    '-lco', 'PRECISION=NO',
    '-lco', 'SPATIAL_INDEX=NONE',
    // A scratch table that publishing rewrites anyway needs no write-ahead log.
    '-lco', opts.logged ? 'UNLOGGED=OFF' : 'UNLOGGED=ON',
    ...(opts.targetSrs ? ['-t_srs', opts.targetSrs] : ['-a_srs', 'EPSG:3059']),
  ];
}

/** GDAL could not open or convert a file; the message is GDAL's own. */
export class GdalError extends Error {
  override name = 'GdalError';
}

/** ogr2ogr arguments shared by both backends (the source, destination and layer come apart). */
export function translateArgs(opts: TranslateOptions = {}): string[] {
  return [
    '-f', 'GeoJSON',
    '-lco', 'RFC7946=NO',
    '-lco', 'WRITE_BBOX=NO',
    '-lco', 'WRITE_NAME=NO',
    '-dim', 'XY',
    ...(opts.targetSrs ? ['-t_srs', opts.targetSrs] : []),
  ];
}

/** GDAL's command-line arguments that keep the named drivers from opening a file. */
export const skipDriverArgs = (drivers: string[] = []) => (drivers.length ? ['--config', 'GDAL_SKIP', drivers.join(' ')] : []);
