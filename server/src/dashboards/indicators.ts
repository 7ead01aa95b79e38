import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { isSmallCount, suppressSmallCounts } from '../access/suppression.js';
import { rootDir } from '../config.js';
import { dashboards } from './catalog.js';
import type { DashboardFilters, IndicatorDefinition, IndicatorResult, IndicatorRow } from './types.js';

/** The SQL of every indicator, read once: `sql/indicators/<dashboard>/<name>.sql` for `<dashboard>.<name>`. */
const statements = new Map<string, string>(
  Object.values(dashboards).flatMap((d) =>
    d.indicators.map((i) => {
      const [dashboard, name] = i.id.split('.');
      return [i.id, readFileSync(path.join(rootDir, 'sql/indicators', dashboard, `${name}.sql`), 'utf8')] as const;
    }),
  ),
);

/** The names in a row that carry no number to hide: labels, codes and periods. */
const labels = new Set(['unit_id', 'name', 'category', 'period', 'id', 'address', 'status', 'applied_on']);

function hideNumbers(row: IndicatorRow): IndicatorRow {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, labels.has(k) ? v : null]));
}

/**
 * Small-count suppression of an indicator of personal data: rows whose record count is 1–4 lose
 * their numbers. Units and categories are parts of one total, so while the hidden ones together
 * count fewer than the threshold, more are hidden (see suppressSmallCounts); a KPI or a point in
 * time stands alone.
 */
function suppress(definition: IndicatorDefinition, rows: IndicatorRow[]): { rows: IndicatorRow[]; suppressed: boolean[] } {
  const counted = definition.recordCount!;
  const count = (r: IndicatorRow) => Number(r[counted] ?? 0);
  const hidden =
    definition.kind === 'units' || definition.kind === 'categories'
      ? suppressSmallCounts(rows.map((r) => ({ count: count(r), values: null }))).map((c) => c.suppressed)
      : rows.map((r) => isSmallCount(count(r)));
  return { rows: rows.map((r, i) => (hidden[i] ? hideNumbers(r) : r)), suppressed: hidden };
}

/**
 * Computes one indicator from live data on the caller's municipality-scoped connection. With
 * `suppressSmall`, an indicator of personal data has rows of 1–4 records suppressed.
 */
export async function computeIndicator(
  db: pg.PoolClient | pg.Pool,
  definition: IndicatorDefinition,
  municipalityId: number,
  filters: DashboardFilters,
  suppressSmall: boolean,
): Promise<IndicatorResult> {
  const sql = statements.get(definition.id);
  if (!sql) throw new Error(`no SQL for the indicator ${definition.id}`);
  const started = performance.now();
  let rows: IndicatorRow[];
  try {
    ({ rows } = await db.query<IndicatorRow>(sql, [municipalityId, filters.unitId, filters.from, filters.to]));
  } catch (cause) {
    throw new Error(`computing the indicator ${definition.id}`, { cause });
  }
  const { recordCount, layers: _layers, ...shown } = definition;
  const result: IndicatorResult = { ...shown, rows, computedAt: new Date().toISOString(), elapsedMs: 0 };
  if (recordCount && suppressSmall) Object.assign(result, suppress(definition, rows));
  result.elapsedMs = Math.round((performance.now() - started) * 10) / 10;
  return result;
}
