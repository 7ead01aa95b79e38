import type { ResolvedLayer } from '../layers/registry.js';
import type { FieldType } from '../layers/types.js';
import { localized } from './collections.js';
import type { Language } from './schemas.js';

/** JSON Schema of each field type as it appears in the GeoJSON properties. */
const fieldSchema: Record<FieldType, Record<string, string>> = {
  text: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};

/**
 * JSON Schema of a layer's GeoJSON features: its public fields with their types. GIS clients
 * (GDAL's OAPIF driver, hence QGIS) type their columns from it instead of guessing from the first
 * page, where a date that is empty on every row of the page would otherwise become text.
 * Nullability is in the descriptions rather than `type: [..., "null"]`, which GDAL reads as text.
 */
export function featureJsonSchema(layer: ResolvedLayer, url: string, lang: Language): Record<string, unknown> {
  const publicFields = layer.fields.filter((f) => !f.restricted);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: url,
    title: localized(layer.title, lang),
    type: 'object',
    required: ['type', 'geometry', 'properties'],
    properties: {
      type: { type: 'string', enum: ['Feature'] },
      geometry: { type: 'object', description: `GeoJSON ${layer.geometryType}` },
      properties: {
        type: 'object',
        properties: Object.fromEntries(
          publicFields.map((f) => [f.name, { ...fieldSchema[f.type], title: localized(f.title, lang), description: 'May be null.' }]),
        ),
      },
    },
  };
}
