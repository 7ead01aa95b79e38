import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { isSmallCount, suppressTable, type TableSuppression } from '../access/suppression.js';
import { rootDir } from '../config.js';
import type { LayerRegistry, ResolvedLayer } from '../layers/registry.js';
import type { Municipality } from '../tenancy/municipalities.js';
import { dashboards, type DashboardDefinition } from './catalog.js';
import { dashboardLayer } from './service.js';
import type { DashboardFilters, IndicatorResult, IndicatorRow } from './types.js';

/**
 * Small-count suppression that holds across every filter of a dashboard. Each number of a
 * personal-data indicator is a cell of one table per point in time: units of the protected
 * partition (parishes and towns) × categories (site types), with its margins. Which cells are hidden
 * is decided once for that table (access/suppression.ts), whatever the filter, so filtering to a
 * hidden unit shows it hidden, and no filter gives a number the unfiltered table hides:
 *
 * - no unit filter: a KPI is the grand total, a category row the category's total, a month of the
 *   series the grand total at the end of that month;
 * - a parish or town: the KPI is that unit's row total, a category row the unit × category cell, a
 *   month the unit's total then;
 * - a unit finer than the partition (a village): it cuts across the table, so every non-zero count
 *   is hidden (zeros are shown);
 * - a `units` row is its unit's row total, whatever the filter.
 *
 * A row is hidden too when its own record count is small (a site on a unit boundary counts in both).
 */

/** Where a dashboard view is filtered to, as the protected table sees it. */
export type ViewArea = { kind: 'all' } | { kind: 'unit'; unitId: number } | { kind: 'finer' };

export interface DashboardProtection {
  /** The table at the end of the period (KPIs, units, categories). */
  atEnd: TableSuppression;
  /** The table at the end of each month of a time series, by `YYYY-MM`. */
  byMonth: Map<string, TableSuppression>;
  area: ViewArea;
}

/** The SQL of every dashboard's protected table, read once: `sql/indicators/<protection.cells>`. */
const cellsStatements = new Map<string, string>(
  Object.values(dashboards).flatMap((d) => (d.protection ? [[d.protection.cells, readFileSync(path.join(rootDir, 'sql/indicators', d.protection.cells), 'utf8')] as const] : [])),
);

const rowKey = (unitId: number | null) => (unitId === null ? 'outside' : String(unitId));

/**
 * Whether a unit's numbers are hidden in the protected table of a dashboard today, for surfaces
 * that publish per-unit numbers of the same records outside the dashboard (the public refugee help
 * map, the layer aggregates), so a unit hidden on the dashboard is hidden there too.
 */
export async function unitsHiddenToday(db: pg.PoolClient | pg.Pool, definition: DashboardDefinition, municipalityId: number): Promise<(unitId: number) => boolean> {
  const protection = await dashboardProtection(db, definition, municipalityId, { unitId: null, from: null, to: null }, null, []);
  return (unitId) => protection.atEnd.row(rowKey(unitId));
}

/**
 * The protected tables behind a dashboard's suppressed indicators, for the period of `filters` and
 * the months its series show. `unitKind` is the kind of the unit filtered to (null: none).
 */
export async function dashboardProtection(
  db: pg.PoolClient | pg.Pool,
  definition: DashboardDefinition,
  municipalityId: number,
  filters: DashboardFilters,
  unitKind: string | null,
  indicators: IndicatorResult[],
): Promise<DashboardProtection> {
  const protection = definition.protection;
  if (!protection) throw new Error(`the ${definition.id} dashboard counts records but declares no protected table`);
  const months = [...new Set(indicators.filter((i) => i.kind === 'series').flatMap((i) => i.rows.map((r) => String(r.period))))];
  const { rows } = await db.query<{ ord: number; unit_id: number | null; category: string | null; records: number }>(cellsStatements.get(protection.cells)!, [
    municipalityId,
    filters.to,
    months,
  ]);
  const tables = new Map<number, { row: string; column: string; count: number }[]>();
  for (const r of rows) {
    const list = tables.get(r.ord) ?? [];
    list.push({ row: rowKey(r.unit_id), column: r.category ?? '', count: r.records });
    tables.set(r.ord, list);
  }
  const table = (ord: number) => suppressTable(tables.get(ord) ?? []);
  const area: ViewArea =
    filters.unitId === null ? { kind: 'all' } : unitKind !== null && protection.unitKinds.includes(unitKind) ? { kind: 'unit', unitId: filters.unitId } : { kind: 'finer' };
  return { atEnd: table(0), byMonth: new Map(months.map((m, i) => [m, table(i + 1)])), area };
}

/** Whether a row of a personal-data indicator is hidden in this view (see the module comment). */
export function rowIsHidden(indicator: IndicatorResult, row: IndicatorRow, records: number, protection: DashboardProtection): boolean {
  if (isSmallCount(records)) return true;
  if (records === 0) return false;
  const { area } = protection;
  if (indicator.kind === 'units') return typeof row.unit_id === 'number' && indicator.unitKind !== 'village' ? protection.atEnd.row(rowKey(row.unit_id)) : true;
  if (area.kind === 'finer') return true;
  const unit = area.kind === 'unit' ? rowKey(area.unitId) : null;
  const ofTable = (t: TableSuppression | undefined) => (!t ? true : unit === null ? t.total : t.row(unit));
  switch (indicator.kind) {
    case 'kpi':
      return ofTable(protection.atEnd);
    case 'series':
      return ofTable(protection.byMonth.get(String(row.period)));
    case 'categories': {
      const category = String(row.category);
      return unit === null ? protection.atEnd.column(category) : protection.atEnd.cell(unit, category);
    }
    default:
      return true;
  }
}

/**
 * The protected dashboard built on `layer` (whose hidden units the layer's aggregates must hide
 * too), or null. Reads the layer registry: call it before opening a transaction.
 */
export async function protectedDashboardOf(layers: LayerRegistry, municipality: Municipality | null, layer: ResolvedLayer): Promise<DashboardDefinition | null> {
  if (!municipality || municipality.id !== layer.municipalityId) return null;
  for (const definition of Object.values(dashboards)) {
    if (definition.protection && (await dashboardLayer(layers, definition, municipality))?.id === layer.id) return definition;
  }
  return null;
}
