import { Type } from 'typebox';

export const LocalizedText = Type.Object(
  { lv: Type.String(), en: Type.Optional(Type.String()), uk: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const LayerField = Type.Object({
  name: Type.String(),
  type: Type.String(),
  title: LocalizedText,
  restricted: Type.Optional(Type.Boolean()),
  format: Type.Optional(Type.String()),
  values: Type.Optional(Type.Record(Type.String(), LocalizedText)),
});

export const TileJson = Type.Object({
  tilejson: Type.Literal('3.0.0'),
  name: Type.String(),
  tiles: Type.Array(Type.String()),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  bounds: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })),
  vector_layers: Type.Array(
    Type.Object({ id: Type.String(), fields: Type.Record(Type.String(), Type.String()), minzoom: Type.Integer(), maxzoom: Type.Integer() }),
  ),
});

export const LayerSummary = Type.Object({
  id: Type.String(),
  municipalityId: Type.Union([Type.Integer(), Type.Null()]),
  group: Type.String(),
  title: LocalizedText,
  description: Type.Record(Type.String(), Type.String()),
  geometryType: Type.String(),
  fields: Type.Array(LayerField),
  style: Type.Record(Type.String(), Type.Unknown()),
  restricted: Type.Boolean(),
  access: Type.Object(
    {
      records: Type.Boolean({ description: 'The asking user may read its records and tiles.' }),
      restrictedFields: Type.Boolean({ description: 'The asking user sees its restricted fields in records (never in tiles).' }),
    },
    { description: 'What the asking user may read, decided by the server for this request.' },
  ),
  minZoom: Type.Integer(),
  maxZoom: Type.Integer(),
  featureCount: Type.Union([Type.Integer(), Type.Null()], { description: 'null unless the asking user may read the records.' }),
  extent: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()], {
    description: 'Bounding box [west, south, east, north] in WGS-84; null for an empty layer, and unless the asking user may read the records.',
  }),
  dataVersion: Type.Integer(),
  tileJson: TileJson,
  ogcCollection: Type.String({ description: 'URL of the OGC API – Features collection' }),
});

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
