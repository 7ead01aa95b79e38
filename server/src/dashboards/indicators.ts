import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { rootDir } from '../config.js';
import { dashboards, type DashboardDefinition } from './catalog.js';
import { dashboardProtection, rowIsHidden } from './suppressionCells.js';
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
 * Computes one indicator from live data on the caller's connection, unsuppressed; a reader of
 * suppressed aggregates gets it through computeIndicators.
 */
export async function computeIndicator(
  db: pg.PoolClient | pg.Pool,
  definition: IndicatorDefinition,
  municipalityId: number,
  filters: DashboardFilters,
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
  const { recordCount: _, layers: _layers, ...shown } = definition;
  return { ...shown, rows, computedAt: new Date().toISOString(), elapsedMs: Math.round((performance.now() - started) * 10) / 10 };
}

/**
 * Indicators of a dashboard for one municipality, in the order given. Rows of the personal-data
 * indicators for which `suppressSmall` holds (the access module's "suppressed") lose their numbers where the dashboard's protected table hides their
 * cell (dashboards/suppressionCells.ts), the same cell in every filtered view. `unitKind` is the
 * kind of the unit the view is filtered to.
 */
export async function computeIndicators(
  db: pg.PoolClient | pg.Pool,
  dashboard: DashboardDefinition,
  indicators: IndicatorDefinition[],
  municipalityId: number,
  filters: DashboardFilters,
  unitKind: string | null,
  suppressSmall: (indicator: IndicatorDefinition) => boolean,
): Promise<IndicatorResult[]> {
  const results: IndicatorResult[] = [];
  for (const indicator of indicators) results.push(await computeIndicator(db, indicator, municipalityId, filters));
  const counted = indicators.filter((i) => i.recordCount && suppressSmall(i));
  if (counted.length === 0) return results;
  const protection = await dashboardProtection(db, dashboard, municipalityId, filters, unitKind, results);
  indicators.forEach((definition, i) => {
    if (!definition.recordCount || !suppressSmall(definition)) return;
    const result = results[i];
    const records = (r: IndicatorRow) => Number(r[definition.recordCount!] ?? 0);
    result.suppressed = result.rows.map((r) => rowIsHidden(result, r, records(r), protection));
    result.rows = result.rows.map((r, j) => (result.suppressed![j] ? hideNumbers(r) : r));
  });
  return results;
}
