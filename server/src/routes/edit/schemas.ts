import { Type } from 'typebox';
import { int4 } from '../bounds.js';

/**
 * The editing contract (issue 6): forms generated from a layer's field schema, create / update /
 * delete with optimistic locking by `version`, and each feature's history from the audit log with
 * restore of an earlier state. Geometry travels as GeoJSON in EPSG:4326.
 */

const layerId = Type.String({ maxLength: 64, description: 'Layer id from GET /api/layers, e.g. "marupe-sewer-connections".' });
const featureId = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The feature id.' });

export const LayerParams = Type.Object({ layerId });
export const FeatureParams = Type.Object({ layerId, featureId });

const Localized = Type.Object({ lv: Type.String(), en: Type.String(), uk: Type.String() });

export const FormField = Type.Object({
  name: Type.String(),
  title: Localized,
  type: Type.Enum(['text', 'integer', 'number', 'date', 'boolean', 'enum']),
  required: Type.Boolean(),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  /** A regular expression the text must match (JavaScript and PostgreSQL syntax alike). */
  pattern: Type.Optional(Type.String()),
  options: Type.Optional(Type.Array(Type.Object({ value: Type.String(), title: Localized }))),
  /** Set by the server (status: only through workflow transitions). */
  readOnly: Type.Optional(Type.Boolean()),
  /** Personal data: shown only to editors and admins, never in tiles. */
  restricted: Type.Optional(Type.Boolean()),
});

export const LayerForm = Type.Object({
  editable: Type.Boolean({ description: 'Whether this user may edit the layer (editors and admins of its municipality).' }),
  geometryType: Type.String(),
  fields: Type.Array(FormField),
  workflow: Type.Optional(Type.Enum(['sewer-connections', 'street-transfers', 'accommodation'])),
});

/** A GeoJSON geometry in EPSG:4326; checked in PostGIS (type, validity, inside Latvia). */
export const Geometry = Type.Object(
  {
    type: Type.Enum(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']),
    coordinates: Type.Array(Type.Unknown(), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** Field values; types are checked by the edit service against the layer's form (no coercion: 42 is not "42"). */
export const Properties = Type.Record(Type.String(), Type.Unknown());

export const CreateBody = Type.Object({ geometry: Geometry, properties: Properties }, { additionalProperties: false });

export const PatchBody = Type.Object(
  {
    version: int4({ description: 'The version the edit is based on; a newer one on the server gives 409.' }),
    geometry: Type.Optional(Geometry),
    properties: Type.Optional(Properties),
  },
  { additionalProperties: false },
);

export const DeleteQuery = Type.Object({ version: int4() });

export const Feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Unknown(),
  properties: Type.Record(Type.String(), Type.Unknown(), { description: 'The fields, with version and updated_at.' }),
});

export const FeatureBody = Type.Object({ feature: Feature });

/** 409: the feature changed since the version the client had. */
export const ConflictBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  /** The feature as it is now; null when it was deleted. */
  current: Type.Union([Feature, Type.Null()]),
  changedBy: Type.Union([Type.Object({ name: Type.String() }), Type.Null()]),
  changedAt: Type.Union([Type.String(), Type.Null()]),
});

export const HistoryEntry = Type.Object({
  version: Type.Union([Type.Integer(), Type.Null()], { description: 'The version after this change (null for a delete).' }),
  at: Type.String(),
  user: Type.Union([Type.Object({ name: Type.String() }), Type.Null()]),
  action: Type.String({ description: 'feature.create, feature.update, feature.delete, feature.restore or workflow.transition.' }),
  before: Type.Union([Feature, Type.Null()]),
  after: Type.Union([Feature, Type.Null()]),
});

export const History = Type.Array(HistoryEntry);

export const RestoreBody = Type.Object(
  {
    version: int4({ description: 'The current version (optimistic locking).' }),
    toVersion: int4({ description: 'The earlier version to bring back, from the history.' }),
  },
  { additionalProperties: false },
);
