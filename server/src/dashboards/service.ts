import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { mayReadAggregates, mayReadRecords } from '../access/layerAccess.js';
import { SMALL_COUNT } from '../access/suppression.js';
import type { SessionUser } from '../auth/roles.js';
import { rootDir } from '../config.js';
import type { LayerRegistry, ResolvedLayer } from '../layers/registry.js';
import { forbidden, notFound, UserError } from '../plugins/errors.js';
import type { Municipality } from '../tenancy/municipalities.js';
import { inTransaction } from '../db/transaction.js';
import { dashboards, type DashboardDefinition } from './catalog.js';
import { computeIndicators } from './indicators.js';
import type { DashboardFilters, DashboardId, DashboardResult, IndicatorDefinition } from './types.js';

const unitsSql = readFileSync(path.join(rootDir, 'sql/queries/dashboard_units.sql'), 'utf8');

/**
 * Runs indicator SQL in one read-only transaction. It runs as the connecting role, not inside the
 * row-level security scope: under the tenant policy PostgreSQL may not use a GiST index for PostGIS
 * tests (`&&`, ST_DWithin and ST_Intersects are not LEAKPROOF), which made the sewer dashboard take
 * 5 s instead of 0.1 s on the demo data. Every indicator file binds its municipality itself (`$1` in
 * every table's condition, dashboard_area and the *_at functions take it); the exact answers of
 * tests/server/dashboards/indicators.test.ts are computed beside other municipalities' rows.
 * (JIT compilation, which cost more than these queries, is off for every connection: see
 * server/src/db/database.ts.)
 */
export const readIndicators = <T>(pool: pg.Pool, work: (db: pg.PoolClient) => Promise<T>) => inTransaction(pool, work, 'BEGIN READ ONLY');

/** How a reader sees a dashboard of a municipality: not at all, aggregates with small counts hidden, or whole. */
export type DashboardAccess = 'none' | 'suppressed' | 'full';

/** The layer whose access rules a dashboard of a municipality follows; undefined when the municipality has none. */
export const dashboardLayer = (layers: LayerRegistry, definition: DashboardDefinition, municipality: Municipality) =>
  layers.get(`${municipality.code}-${definition.layerKey}`);

/** How the user may see a dashboard built on `layer`. */
export function dashboardAccess(user: SessionUser | null, layer: ResolvedLayer | undefined): DashboardAccess {
  if (!layer || !mayReadAggregates(user, layer)) return 'none';
  return layer.restricted && !mayReadRecords(user, layer) ? 'suppressed' : 'full';
}

/** 404 for an unknown dashboard, 401/403 for a reader who may not open it; the layer it follows otherwise. */
export async function openableDashboard(layers: LayerRegistry, id: string, municipality: Municipality, user: SessionUser | null) {
  const definition = dashboards[id as DashboardId];
  if (!definition) throw notFound(`There is no dashboard "${id}"; the dashboards are ${Object.keys(dashboards).join(', ')}.`);
  const layer = await dashboardLayer(layers, definition, municipality);
  if (!layer) throw notFound(`${municipality.name} has no ${definition.title.en?.toLowerCase()} layer, so this dashboard has nothing to show.`);
  const access = dashboardAccess(user, layer);
  if (access === 'none') {
    const why = `The ${definition.title.en?.toLowerCase()} dashboard is built on personal data; it is for officials, editors and admins of ${municipality.name}.`;
    throw user ? forbidden(`${why} Ask an administrator for the official role.`) : new UserError(401, `${why} Sign in.`);
  }
  return { definition, layer, access };
}

/** The territorial unit a dashboard is filtered to; 404 when it is not one of the municipality's. */
async function unitOf(db: pg.PoolClient, municipalityId: number, unitId: number | null) {
  if (unitId === null) return null;
  const { rows } = await db.query<{ id: number; name: string; kind: string }>(
    'SELECT id, name, kind FROM territorial_unit WHERE id = $1 AND municipality_id = $2',
    [unitId, municipalityId],
  );
  if (!rows[0]) throw notFound(`There is no territorial unit ${unitId} in this municipality; GET /api/dashboards/units lists them.`);
  return rows[0];
}

function checkDates(filters: DashboardFilters) {
  if (filters.from && filters.to && filters.from > filters.to) {
    throw new UserError(400, `The period starts (${filters.from}) after it ends (${filters.to}); swap the dates.`);
  }
}

/**
 * Every indicator of a dashboard for one municipality, computed from live data in one
 * municipality-scoped transaction, in the catalog's order.
 */
export async function computeDashboard(
  pool: pg.Pool,
  definition: DashboardDefinition,
  municipality: Municipality,
  filters: DashboardFilters,
  access: Exclude<DashboardAccess, 'none'>,
  only?: IndicatorDefinition[],
): Promise<DashboardResult> {
  checkDates(filters);
  const started = performance.now();
  return readIndicators(pool, async (db) => {
    const unit = await unitOf(db, municipality.id, filters.unitId);
    const indicators = await computeIndicators(db, definition, only ?? definition.indicators, municipality.id, filters, unit?.kind ?? null, access === 'suppressed');
    return {
      dashboard: definition.id,
      title: definition.title,
      question: definition.question,
      municipality: { id: municipality.id, code: municipality.code, name: municipality.name },
      filters: { ...filters, unit },
      threshold: access === 'suppressed' && definition.indicators.some((i) => i.recordCount) ? SMALL_COUNT : null,
      indicators,
      computedAt: new Date().toISOString(),
      elapsedMs: Math.round(performance.now() - started),
    };
  });
}

/** The municipality's parishes and towns (`parish`) or villages as GeoJSON in EPSG:4326, simplified to ~5 m. */
export async function unitsGeoJson(pool: pg.Pool, municipalityId: number, by: 'parish' | 'village') {
  const kinds = by === 'parish' ? ['parish', 'town'] : ['village'];
  return readIndicators(pool, async (db) => {
    const { rows } = await db.query<{ id: number; name: string; kind: string; geometry: object }>(unitsSql, [municipalityId, kinds]);
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => ({ type: 'Feature' as const, id: r.id, properties: { id: r.id, name: r.name, kind: r.kind }, geometry: r.geometry })),
    };
  });
}
