import type { FieldType, GeometryType } from '../layers/types.js';

export type UploadStatus = 'queued' | 'analysing' | 'ready' | 'importing' | 'done' | 'failed';

export interface Problem {
  /** What kind of problem it is (`problemMessages` in problems.ts); absent on jobs from before codes. */
  code?: string;
  /** The values its message names (file, layer, counts, GDAL's words). */
  params?: Record<string, string | number>;
  /** In English; the Data page words it from the code in the user's language. */
  message: string;
  /** 0-based position of the feature in its source layer. */
  featureIndex?: number;
  /** The source layer it concerns, in multi-layer files. */
  layer?: string;
}

export interface UploadField {
  /** Column name in the published table (ASCII, sanitised). */
  name: string;
  /** The name in the file; becomes the field's title. */
  sourceName: string;
  type: FieldType;
  /** OGR's type name, for the column type. */
  ogrType: string;
  /** A column GDAL's driver adds to every layer (KML's begin, end, altitudeMode, …), not the file's own data. */
  suggestDrop?: true;
}

/** One layer found in the upload, as the preview shows it. */
export interface UploadLayer {
  name: string;
  /** The file inside the upload (relative path) and the layer name GDAL gave it. */
  dataset: string;
  sourceLayer: string;
  /** Geometry type of the published layer (mixed single/multi promoted to Multi). */
  geometryType: GeometryType | null;
  featureCount: number;
  /** `EPSG:nnnn` the coordinates are in, or null when it must be chosen. */
  crs: string | null;
  /** SRID of the staged geometries (0 when the CRS is unknown). */
  srid: number;
  fields: UploadField[];
  encoding: string | null;
  /** Set when the CRS is missing or does not place the data in Latvia; publishing needs `crs`. */
  crsProblem?: string;
  /** Extent of the staged geometries in their own coordinates. */
  extent?: [number, number, number, number];
  /**
   * Set when this layer is one geometry family of a source layer with mixed types: the name its
   * features are staged under (shared with the other families).
   */
  stagedLayer?: string;
  /**
   * The table the layer is staged in when native ogr2ogr wrote it by COPY (publishing turns it
   * into the published table in place); absent when the features are rows of `upload_feature`.
   */
  stagingTable?: string;
  /**
   * True when the staging table's polygons already follow the right-hand rule (the pipeline staged
   * them itself): publishing need not rewind them.
   */
  ringsWound?: boolean;
  /** True when the analysis found every staged geometry valid and none curved: publishing in EPSG:3059 need not test them again. */
  allValid?: boolean;
  /** True when every staged feature has a geometry, all of the layer's one family: publishing need not remove any. */
  uniform?: boolean;
  /** The layer this one was published as; the upload's other layers can still be published. */
  publishedAs?: string;
}

export interface UploadOptions {
  crs?: string;
  encoding?: string;
  layer?: string;
}

export interface PublishRequest {
  layer?: string;
  title: { lv: string; en?: string };
  fields?: string[];
  crs?: string;
  replaceLayerId?: string;
}

export interface UploadJob {
  id: string;
  status: UploadStatus;
  progress: number;
  fileName: string;
  format: string | null;
  options: UploadOptions;
  layers: UploadLayer[];
  warnings: Problem[];
  errors: Problem[];
  publish: PublishRequest | null;
  filePath: string | null;
  layerId: string | null;
  /** The municipality the upload is published into; null only for jobs from before accounts. */
  municipalityId: number | null;
  /** The editor who sent it; null for the operator's CLI imports. */
  userId: number | null;
  createdAt: string;
  updatedAt: string;
}

/** Whose an upload is: the municipality it is published into, and who sent it (null: the CLI). */
export interface UploadOwner {
  municipalityId: number;
  userId: number | null;
}
