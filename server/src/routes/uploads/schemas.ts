import { Type } from 'typebox';

export { ErrorBody } from '../layers/schemas.js';

export const UploadStatus = Type.Union(
  [Type.Literal('queued'), Type.Literal('analysing'), Type.Literal('ready'), Type.Literal('importing'), Type.Literal('done'), Type.Literal('failed')],
  {
    description:
      'queued → analysing → ready (preview available; publish it) → importing → done (layerId set). failed: see errors; POST …/retry brings it back.',
  },
);

export const Problem = Type.Object(
  {
    code: Type.Optional(Type.String({ description: 'The kind of problem (e.g. `crs.misplacedNorthing`, `geometry.invalid`), for wording it in another language.' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'The values the message names, by placeholder.' })),
    message: Type.String({ description: 'What is wrong and what to do, in English, in words a GIS specialist can act on.' }),
    featureIndex: Type.Optional(Type.Integer({ minimum: 0, description: '0-based position of the feature in its source layer.' })),
    layer: Type.Optional(Type.String({ description: 'The source layer it concerns, in files with several layers.' })),
  },
  { additionalProperties: true },
);

export const UploadField = Type.Object({
  name: Type.String({ description: 'Column name the published layer will have (ASCII, lower case, ≤ 63 bytes, no reserved words).' }),
  sourceName: Type.String({ description: 'The field name in the file; kept as the field title (lv/en).' }),
  type: Type.Union([Type.Literal('text'), Type.Literal('integer'), Type.Literal('number'), Type.Literal('boolean'), Type.Literal('date'), Type.Literal('datetime')]),
  suggestDrop: Type.Optional(Type.Boolean({ description: 'A column GDAL adds to every layer of the format (KML: begin, end, altitudeMode, …) rather than the file’s own data; the Data page leaves it unticked.' })),
});

export const UploadLayer = Type.Object({
  name: Type.String({ description: 'Layer name to give as `layer` when publishing (unique within the upload).' }),
  dataset: Type.String({ description: 'The file inside the upload it comes from (path within a zip).' }),
  geometryType: Type.Union([Type.String(), Type.Null()], {
    description: 'Geometry type it will be published with (lines and polygons always Multi); null when no feature has a geometry.',
  }),
  featureCount: Type.Integer({ description: 'Features that will be published (features without geometry or of another geometry type left out).' }),
  crs: Type.Union([Type.String(), Type.Null()], { description: '`EPSG:nnnn` the coordinates are in; null when it must be chosen (publish with `crs`).' }),
  fields: Type.Array(UploadField),
  encoding: Type.Union([Type.String(), Type.Null()], { description: 'Text encoding of the attributes (shapefiles: from .cpg or detected, e.g. Windows-1257).' }),
  crsProblem: Type.Optional(Type.String({ description: 'Set when the CRS is missing or puts the data outside Latvia; publishing then needs `crs`.' })),
  extent: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'minx, miny, maxx, maxy in the layer CRS.' })),
  publishedAs: Type.Optional(Type.String({ description: 'The layer id it was published as. The other layers of the upload stay publishable (POST …/publish with `layer`) until UPLOAD_KEEP_HOURS have passed.' })),
  stagedLayer: Type.Optional(Type.String({ description: 'Set when the file layer mixes geometry types and this is one of them: the file layer’s name, which its warnings and errors give as `layer`.' })),
});

export const Upload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: UploadStatus,
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  fileName: Type.String(),
  format: Type.Union([Type.String(), Type.Null()], { description: 'GDAL driver that read it: ESRI Shapefile, GPKG, GeoJSON, KML, KMZ, GPX, DXF, CSV, XLSX, MapInfo File…' }),
  layers: Type.Array(UploadLayer),
  warnings: Type.Array(Problem, { description: 'Problems that were fixed or that leave something out (repairs, dropped Z, renamed fields).' }),
  errors: Type.Array(Problem, { description: 'Problems that stop publishing until resolved (e.g. CRS to choose), or why the upload failed.' }),
  layerId: Type.Optional(Type.String({ description: 'The published layer, when status is done.' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const UploadId = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PublishBody = Type.Object(
  {
    layer: Type.Optional(Type.String({ description: 'Which layer of the upload (required when it has several).' })),
    title: Type.Object({ lv: Type.String({ minLength: 1, maxLength: 200 }), en: Type.Optional(Type.String({ maxLength: 200 })) }),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'Fields to keep, by column or source name; all when absent.' })),
    crs: Type.Optional(Type.String({ pattern: '^(EPSG:|epsg:)?[0-9]{4,6}$', description: 'CRS of the coordinates, overriding the detected one, e.g. EPSG:3059.' })),
    replaceLayerId: Type.Optional(Type.String({ description: 'Replace the data of this uploaded layer (a new version; the previous stays restorable).' })),
  },
  { additionalProperties: false },
);

export const DatasetVersion = Type.Object({
  version: Type.Integer(),
  fileName: Type.String(),
  featureCount: Type.Integer(),
  geometryType: Type.String(),
  sourceCrs: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const Dataset = Type.Object({
  layerId: Type.String(),
  title: Type.Object({ lv: Type.String(), en: Type.Optional(Type.String()), uk: Type.Optional(Type.String()) }),
  geometryType: Type.String(),
  readRole: Type.Union(
    [Type.Literal('public'), Type.Literal('viewer'), Type.Literal('official'), Type.Literal('editor'), Type.Literal('admin')],
    { description: "Who reads it: 'public' (anyone), or the weakest role of the municipality that does; new datasets start at 'viewer'." },
  ),
  currentVersion: Type.Union([Type.Integer(), Type.Null()]),
  versions: Type.Array(DatasetVersion, { description: 'Newest first; only the kept ones (DATASET_KEEP_VERSIONS).' }),
  historyBytes: Type.Number({ minimum: 0, description: 'Bytes the tables of the kept versions take on disk (indexes included).' }),
});
