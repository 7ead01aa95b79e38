import { Type } from 'typebox';
import { FILTER_OPS, MAX_CONDITIONS } from '../../features/filterSql.js';
import { int4 } from '../bounds.js';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 50;
/** Past this, an export is refused with a 400 asking for a narrower filter. */
export const MAX_EXPORT_ROWS = 100_000;

const layerId = Type.String({ maxLength: 64, description: 'Layer id from GET /api/layers, e.g. "marupe-sewer-connections".' });

export const LayerParams = Type.Object({ layerId });

export const FeatureParams = Type.Object({
  layerId,
  featureId: Type.String({ minLength: 1, maxLength: 64, description: 'The feature id, as in the attribute table.' }),
});

const selection = {
  sort: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'A field name of the layer (not a restricted one), or "id" (the default). Empty values sort last.',
      examples: ['applied_on'],
    }),
  ),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc', description: 'Sort direction.' })),
  filter: Type.Optional(
    Type.String({
      maxLength: 20_000,
      description:
        `A JSON array of up to ${MAX_CONDITIONS} conditions, all of which must hold: ` +
        '[{"field": "<name>", "op": "<op>", "value": <value>}]. Operators: ' +
        `${FILTER_OPS.join(', ')}. lt/lte/gt/gte compare numbers and dates; contains searches text ignoring case ` +
        'and Latvian diacritics; in takes a list; isNull/notNull take no value; ne also matches empty values. ' +
        'Values must fit the field type: integer, number, date (YYYY-MM-DD), datetime (ISO 8601), boolean, text. ' +
        'Restricted fields cannot be used.',
      examples: ['[{"field":"status","op":"in","value":["applied","construction"]},{"field":"applied_on","op":"gte","value":"2024-03-01"}]'],
    }),
  ),
};

export const FeaturesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE, description: 'Page size.' })),
  offset: Type.Optional(int4({ minimum: 0, default: 0, description: 'Features to skip.' })),
  ...selection,
});

export const ExportQuery = Type.Object({
  format: Type.Optional(
    Type.Enum(['csv', 'geojson'], {
      default: 'csv',
      description: 'csv: UTF-8 with BOM, ";" separated, decimal commas, Latvian headers (opens directly in Latvian Excel). geojson: WGS-84.',
    }),
  ),
  ...selection,
});

const BBox = Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()], {
  description: 'Bounding box [west, south, east, north] in WGS-84; null only for a feature without geometry.',
});

const FeatureId = Type.Union([Type.Integer(), Type.String()], { description: 'The feature id (an integer for domain layers).' });

const Properties = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The non-restricted fields: numbers as numbers, dates as YYYY-MM-DD, codes as stored (labels are in the layer fields).',
});

export const FeatureRow = Type.Object({ id: FeatureId, properties: Properties, bbox: BBox });

export const FeaturePage = Type.Object({
  total: Type.Integer({ description: 'Features matching the filter, over all pages.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  features: Type.Array(FeatureRow),
});

const GeoJsonGeometry = Type.Object(
  {
    type: Type.String({ description: 'Point, MultiPolygon, …' }),
    coordinates: Type.Optional(Type.Unknown()),
    geometries: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: true, description: 'GeoJSON geometry in WGS-84 (longitude, latitude).' },
);

export const FeatureDetail = Type.Object({
  id: FeatureId,
  properties: Properties,
  geometry: Type.Union([GeoJsonGeometry, Type.Null()]),
  bbox: BBox,
});

// The handler sends a stream, which Fastify passes through unserialised; this documents the files.
export const ExportFile = Type.Unsafe<unknown>({
  description: 'The filtered features as a file download (Content-Disposition: attachment).',
  headers: {
    'content-disposition': Type.String({ description: 'attachment; filename="<layerId>.csv" (or .geojson)' }),
    'x-feature-count': Type.String({ description: 'How many features the file holds.' }),
  },
  content: {
    'text/csv': { schema: { type: 'string' } },
    'application/geo+json': { schema: { type: 'object' } },
  },
});
