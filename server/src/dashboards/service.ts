import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { combinedAggregateAccess, mayReadAggregates, mayReadRecordsOfAll } from '../access/layerAccess.js';
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

/** How a reader sees a dashboard or an indicator: not at all, aggregates with small counts hidden, or whole. */
export type DashboardAccess = 'none' | 'suppressed' | 'full';

/** The layer a dashboard of a municipality is about; undefined when the municipality has none. */
export const dashboardLayer = (layers: LayerRegistry, definition: DashboardDefinition, municipality: Municipality) =>
  layers.get(`${municipality.code}-${definition.layerKey}`);

/** The municipality's layers the indicators read, by key (undefined where it has none). */
export type IndicatorLayers = Map<string, ResolvedLayer | undefined>;

/** Every layer the dashboard's indicators read, for one municipality. */
export async function indicatorLayers(layers: LayerRegistry, definition: DashboardDefinition, municipality: Municipality): Promise<IndicatorLayers> {
  const keys = [...new Set(definition.indicators.flatMap((i) => i.layers))];
  const found: IndicatorLayers = new Map();
  for (const key of keys) found.set(key, await layers.get(`${municipality.code}-${key}`));
  return found;
}

/**
 * How the user may see one indicator, as the access module decides for every layer it reads: a
 * table lists records (addresses, waiting days) and needs their records; the other kinds are
 * aggregates and need their aggregates (suppressed when one of them gives only suppressed ones).
 */
export function indicatorAccess(user: SessionUser | null, indicator: IndicatorDefinition, layers: IndicatorLayers): DashboardAccess {
  const read = indicator.layers.map((key) => layers.get(key));
  if (indicator.kind === 'table') return mayReadRecordsOfAll(user, read) ? 'full' : 'none';
  return combinedAggregateAccess(user, read);
}

/** Per indicator, how the user may see it; and the dashboard as a whole: none when no indicator is readable. */
export function dashboardAccess(user: SessionUser | null, definition: DashboardDefinition, layers: IndicatorLayers) {
  const indicators = new Map(definition.indicators.map((i) => [i.id, indicatorAccess(user, i, layers)] as const));
  const each = [...indicators.values()];
  const access: DashboardAccess = each.every((a) => a === 'none') ? 'none' : each.every((a) => a === 'full') ? 'full' : 'suppressed';
  return { access, indicators };
}

/** 404 for an unknown dashboard, 401/403 for a reader who may read none of it; otherwise what they may read of it. */
export async function openableDashboard(layers: LayerRegistry, id: string, municipality: Municipality, user: SessionUser | null) {
  const definition = dashboards[id as DashboardId];
  if (!definition) throw notFound(`There is no dashboard "${id}"; the dashboards are ${Object.keys(dashboards).join(', ')}.`);
  const layer = await dashboardLayer(layers, definition, municipality);
  if (!layer) throw notFound(`${municipality.name} has no ${definition.title.en?.toLowerCase()} layer, so this dashboard has nothing to show.`);
  const read = await indicatorLayers(layers, definition, municipality);
  const { access, indicators } = dashboardAccess(user, definition, read);
  if (access === 'none') {
    const name = definition.title.en?.toLowerCase();
    const why = layer.restricted
      ? `The ${name} dashboard is built on personal data; it is for officials, editors and admins of ${municipality.name}.`
      : `The ${name} dashboard reads layers of ${municipality.name} that are not open to you (${[...read.values()]
          .filter((l) => l && !mayReadAggregates(user, l))
          .map((l) => l!.id)
          .join(', ')}).`;
    throw user
      ? forbidden(`${why} Ask an administrator for ${layer.restricted ? 'the official role' : 'a role that reads them'}.`)
      : new UserError(401, `${why} Sign in.`);
  }
  return { definition, layer, access, indicators, read };
}

/** 403 (401 when anonymous) for an indicator the user may not read, though they may open its dashboard. */
export function assertIndicatorReadable(user: SessionUser | null, indicator: IndicatorDefinition, access: DashboardAccess): void {
  if (access !== 'none') return;
  const what = indicator.kind === 'table' ? 'lists records of layers' : 'is computed from layers';
  const why = `The indicator ${indicator.id} ${what} that are not open to you (${indicator.layers.join(', ')}).`;
  throw user ? forbidden(`${why} Ask an administrator for a role that reads them.`) : new UserError(401, `${why} Sign in.`);
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
 * Every indicator of a dashboard for one municipality that the reader may see (per `access`, from
 * dashboardAccess), computed from live data in one read-only transaction, in the catalog's order;
 * the others are left out and named in `withheld`.
 */
export async function computeDashboard(
  pool: pg.Pool,
  definition: DashboardDefinition,
  municipality: Municipality,
  filters: DashboardFilters,
  access: Map<string, DashboardAccess>,
  only?: IndicatorDefinition[],
): Promise<DashboardResult> {
  checkDates(filters);
  const started = performance.now();
  return readIndicators(pool, async (db) => {
    const unit = await unitOf(db, municipality.id, filters.unitId);
    const withheld: string[] = [];
    const suppressed = (i: IndicatorDefinition) => access.get(i.id) === 'suppressed';
    const readable = (only ?? definition.indicators).filter((i) => {
      if ((access.get(i.id) ?? 'none') !== 'none') return true;
      withheld.push(i.id);
      return false;
    });
    const indicators = await computeIndicators(db, definition, readable, municipality.id, filters, unit?.kind ?? null, suppressed);
    return {
      dashboard: definition.id,
      title: definition.title,
      question: definition.question,
      municipality: { id: municipality.id, code: municipality.code, name: municipality.name },
      filters: { ...filters, unit },
      threshold: definition.indicators.some((i) => i.recordCount && suppressed(i)) ? SMALL_COUNT : null,
      indicators,
      ...(withheld.length ? { withheld } : {}),
      computedAt: new Date().toISOString(),
      elapsedMs: Math.round(performance.now() - started),
    };
  });
}

/** The kinds of territorial unit each `units` breakdown is made of. */
const unitKinds = { parish: ['parish', 'town'], village: ['village'], settlement: ['town', 'village'] } as const;

/** The municipality's parishes and towns (`parish`), villages, or towns and villages (`settlement`) as GeoJSON in EPSG:4326, simplified to ~5 m. */
export async function unitsGeoJson(pool: pg.Pool, municipalityId: number, by: keyof typeof unitKinds) {
  const kinds = [...unitKinds[by]];
  return readIndicators(pool, async (db) => {
    const { rows } = await db.query<{ id: number; name: string; kind: string; geometry: object }>(unitsSql, [municipalityId, kinds]);
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => ({ type: 'Feature' as const, id: r.id, properties: { id: r.id, name: r.name, kind: r.kind }, geometry: r.geometry })),
    };
  });
}
