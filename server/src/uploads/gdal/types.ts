/** One layer of a dataset as GDAL reports it. */
export interface SourceLayerInfo {
  name: string;
  /** OGR's geometry type name as reported (`Multi Polygon`, `3D Point`, `PolygonZ`, `None`…). */
  geometryType: string;
  /** -1 when the driver cannot tell without reading every feature. */
  featureCount: number;
  /** The layer CRS as WKT2, when it has one. */
  wkt?: string;
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
}

/**
 * What the upload pipeline needs from GDAL. Two implementations behave the same: the WebAssembly
 * build that ships with npm (`gdal3.js`) and a native `ogr2ogr`/`ogrinfo` found on the machine.
 */
export interface VectorBackend {
  readonly name: 'gdal3.js' | 'native';
  /** GDAL's version, e.g. `3.6.2`. */
  readonly version: string;
  /** Lists the vector layers of the dataset at `path`; throws GdalError when GDAL cannot open it. */
  info(path: string, openOptions?: string[]): Promise<DatasetInfo>;
  /**
   * Writes one layer as GeoJSON (one feature per line, coordinates in the source CRS unless
   * `targetSrs` is given, Z and M dropped) to `outPath`.
   */
  toGeoJson(path: string, layer: string, outPath: string, opts?: TranslateOptions): Promise<void>;
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
