import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rootDir } from '../config.js';
import type { ResolvedLayer } from '../layers/registry.js';
import type { FieldType } from '../layers/types.js';
import { filterBindsMunicipality } from '../tenancy/scope.js';
import type { TileCoordinates } from './tileCoordinates.js';

/**
 * How a tile is encoded: by PostGIS (`ST_AsMVT`) or, where the database lacks it, by the server
 * from features the database has already cut and quantised.
 */
export type TileEncoding = 'postgis' | 'server';

/** A layer's tile SQL with its identifiers filled in; the tile and filter go as `$n` values. */
export interface TileStatement {
  /** Name for a prepared statement, unique to the text. */
  name: string;
  text: string;
  /** Short hash of the text: changes when the layer's fields, filter or the encoding change. */
  signature: string;
  /** Parameter values for one tile. */
  values(tile: TileCoordinates): unknown[];
  /**
   * True when the statement itself keeps to the layer's municipality: its first filter condition
   * is `"municipality_id" = $n` with the layer's own municipality as the value.
   */
  municipalityBound: boolean;
}

export const tileQueriesDir = path.join(rootDir, 'sql/queries');

// Read once at start: the SQL is part of the program, not something to reload per request.
const read = (file: string) => readFileSync(path.join(tileQueriesDir, file), 'utf8');
const templates = {
  bounds: read('tile_bounds.sql'),
  postgis: read('tile_mvt.sql'),
  server: read('tile_features.sql'),
};

/**
 * Each field becomes a tile property of a type both encoders write the same way: numbers as
 * numbers (numeric would otherwise arrive as a string), dates as ISO text.
 */
const propertyExpression: Record<FieldType, (column: string) => string> = {
  text: (c) => `s.${c}::text`,
  integer: (c) => `s.${c}::bigint`,
  number: (c) => `s.${c}::double precision`,
  boolean: (c) => `s.${c}::boolean`,
  date: (c) => `to_char(s.${c}, 'YYYY-MM-DD')`,
  datetime: (c) => `to_char(s.${c}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
};

const statements = new WeakMap<ResolvedLayer, Map<TileEncoding, TileStatement>>();

/**
 * The tile statement of a layer for an encoding, built from the registry's quoted identifiers
 * (never from request text) and kept as long as the resolved layer is.
 *
 * @param layer - a layer from the registry
 * @param encoding - `postgis` for `sql/queries/tile_mvt.sql`, `server` for `tile_features.sql`
 * @returns the statement with a stable prepared-statement name
 */
export function tileStatement(layer: ResolvedLayer, encoding: TileEncoding): TileStatement {
  let byEncoding = statements.get(layer);
  if (!byEncoding) statements.set(layer, (byEncoding = new Map()));
  let statement = byEncoding.get(encoding);
  if (!statement) byEncoding.set(encoding, (statement = buildStatement(layer, encoding)));
  return statement;
}

function buildStatement(layer: ResolvedLayer, encoding: TileEncoding): TileStatement {
  // $1–$3 are z/x/y; the PostGIS statement also takes the layer name as $4.
  const firstFilterParam = encoding === 'postgis' ? 5 : 4;
  const { conditions, values: filterValues } = layer.sql.filter(firstFilterParam);
  // publicColumns lists the non-restricted fields in registry order, so the two zip.
  const publicFields = layer.fields.filter((f) => !f.restricted);
  const properties = publicFields.map((field, i) => {
    const column = layer.sql.publicColumns[i];
    const expression = (propertyExpression[field.type] ?? propertyExpression.text)(column);
    return `\n               ${expression} AS ${column},`;
  });
  const text = fill(templates[encoding], {
    bounds: fill(templates.bounds, {}).trim(),
    table: layer.sql.table,
    id: layer.sql.id,
    geom: layer.sql.geom,
    properties: properties.join(''),
    filter: conditions.map((c) => `\n           AND ${c}`).join(''),
  });
  const signature = createHash('sha256').update(text).digest('hex').slice(0, 12);
  // The registry puts the municipality condition first; checked here rather than assumed, since
  // the tile repository reads without row-level security only when it holds.
  const municipalityBound = filterBindsMunicipality(layer, firstFilterParam);
  return {
    name: `tile_${encoding}_${signature}`,
    text,
    signature,
    municipalityBound,
    values: (tile) =>
      encoding === 'postgis' ? [tile.z, tile.x, tile.y, layer.id, ...filterValues] : [tile.z, tile.x, tile.y, ...filterValues],
  };
}

/** Replaces `{{name}}` placeholders; an unknown one is a programming error, caught at first use. */
function fill(template: string, parts: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in parts)) throw new Error(`tile SQL placeholder {{${name}}} has no value`);
    return parts[name];
  });
}
