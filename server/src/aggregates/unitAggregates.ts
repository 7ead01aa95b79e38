import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { isSmallCount, suppressTable, SMALL_COUNT } from '../access/suppression.js';
import { rootDir } from '../config.js';
import type { ResolvedLayer } from '../layers/registry.js';
import type { LocalizedText } from '../layers/types.js';
import { quoteIdentifier as quote } from '../db/identifier.js';

const template = readFileSync(path.join(rootDir, 'sql/queries/aggregate_by_unit.sql'), 'utf8');

/** Which territorial units to aggregate by: parishes and towns, or villages. */
export type UnitLevel = 'parish' | 'village';
const unitKinds: Record<UnitLevel, string[]> = { parish: ['parish', 'town'], village: ['village'] };

/** A measure of an aggregate: the sum of a numeric field, or how many features have a boolean field true. */
export interface Measure {
  name: string;
  title: LocalizedText;
  kind: 'sum' | 'countTrue';
}

export interface UnitAggregate {
  unitId: number;
  name: string;
  kind: string;
  /** A point inside the unit, [lon, lat], for labels; never a feature's position. */
  point: [number, number];
  count: number | null;
  values: Record<string, number> | null;
  suppressed: boolean;
}

export interface LayerAggregate {
  layerId: string;
  by: UnitLevel;
  /** Counts from 1 to threshold − 1 are suppressed; null when the reader may see the records. */
  threshold: number | null;
  measures: Measure[];
  units: UnitAggregate[];
  /** Over every unit listed; hidden (null) when the suppression rule says so. */
  total: { count: number | null; values: Record<string, number> | null; suppressed: boolean };
  computedAt: string;
}

/** The measures a layer can be aggregated by: its public numeric and boolean fields. */
export function measuresOf(layer: ResolvedLayer): Measure[] {
  return layer.fields
    .filter((f) => !f.restricted && (f.type === 'integer' || f.type === 'number' || f.type === 'boolean'))
    .map((f) => ({ name: f.name, title: f.title, kind: f.type === 'boolean' ? 'countTrue' : 'sum' }));
}

function statement(layer: ResolvedLayer, measures: Measure[]) {
  const { conditions, values } = layer.sql.filter(3);
  const sql = template
    .replace('{{id}}', layer.sql.id)
    .replace('{{table}}', layer.sql.table)
    .replace('{{geom}}', layer.sql.geom)
    .replace('{{filter}}', conditions.map((c) => ` AND s.${c}`).join(''))
    .replace(
      '{{measures}}',
      measures
        .map((m, i) => (m.kind === 'sum' ? `,\n       coalesce(sum(f.${quote(m.name)}), 0)::float8 AS m${i}` : `,\n       count(*) FILTER (WHERE f.${quote(m.name)})::int AS m${i}`))
        .join(''),
    );
  return { sql, values };
}

/** The units of the protected partition: aggregates by finer units (villages) cut across it. */
const protectedLevel: UnitLevel = 'parish';

/**
 * Which units and whether the total lose their numbers for a reader of suppressed aggregates, by
 * the one rule of access/suppression.ts: per parish and town primary and complementary suppression
 * (the total hidden when no other cell can protect the hidden ones); per village, which cuts across
 * the parishes, every non-zero count and the total (a parish total minus its villages would give
 * the sites outside them).
 */
function suppressionOf(counts: number[], unitIds: number[], by: UnitLevel, hiddenElsewhere: (unitId: number) => boolean) {
  if (by !== protectedLevel) return { units: counts.map((c) => c > 0), total: counts.some((c) => c > 0) };
  const alreadyHidden = unitIds.flatMap((id, i) => (hiddenElsewhere(id) ? [String(i)] : []));
  const table = suppressTable(
    counts.map((count, i) => ({ row: String(i), column: '', count })),
    undefined,
    alreadyHidden,
  );
  return { units: counts.map((c, i) => table.row(String(i)) || isSmallCount(c)), total: table.total };
}

/**
 * Counts and sums of a layer's features per territorial unit of its municipality, computed in
 * PostGIS on the caller's (municipality-scoped) connection. With `suppress`, units of 1–4 features
 * lose their numbers, and more cells when the published ones would give them back (suppressionOf).
 */
export async function aggregateByUnit(
  db: pg.Pool | pg.PoolClient,
  layer: ResolvedLayer,
  by: UnitLevel,
  suppress: boolean,
  hiddenElsewhere: (unitId: number) => boolean = () => false,
): Promise<LayerAggregate> {
  const measures = measuresOf(layer);
  const { sql, values } = statement(layer, measures);
  const { rows } = await db.query<Record<string, number | string>>(sql, [layer.municipalityId, unitKinds[by], ...values]);
  const raw = rows.map((r) => ({
    count: Number(r.count),
    values: Object.fromEntries(measures.map((m, i) => [m.name, Number(r[`m${i}`])])),
  }));
  const hidden = suppress
    ? suppressionOf(
        raw.map((r) => r.count),
        rows.map((r) => Number(r.unit_id)),
        by,
        hiddenElsewhere,
      )
    : { units: raw.map(() => false), total: false };
  const total = {
    count: raw.reduce((a, r) => a + r.count, 0),
    values: Object.fromEntries(measures.map((m) => [m.name, raw.reduce((a, r) => a + r.values[m.name], 0)])),
  };
  return {
    layerId: layer.id,
    by,
    threshold: suppress ? SMALL_COUNT : null,
    measures,
    units: rows.map((r, i) => ({
      unitId: Number(r.unit_id),
      name: String(r.name),
      kind: String(r.kind),
      point: [Math.round(Number(r.lon) * 1e6) / 1e6, Math.round(Number(r.lat) * 1e6) / 1e6],
      ...(hidden.units[i] ? { count: null, values: null, suppressed: true } : { ...raw[i], suppressed: false }),
    })),
    total: hidden.total ? { count: null, values: null, suppressed: true } : { ...total, suppressed: false },
    computedAt: new Date().toISOString(),
  };
}
