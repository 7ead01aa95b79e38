import type pg from 'pg';
import { hasRole, type SessionUser } from '../auth/roles.js';
import type { LayerRegistry } from '../layers/registry.js';
import { UserError, forbidden } from '../plugins/errors.js';
import type { Municipality } from '../tenancy/municipalities.js';
import type { DashboardDefinition } from './catalog.js';
import { computeIndicators } from './indicators.js';
import { publishesSuppressedSummary } from '../access/layerAccess.js';
import { indicatorAccess, indicatorLayers, readIndicators } from './service.js';
import type { Comparison, ComparisonRow } from './types.js';

/** Whether the user is an official (or stronger) somewhere, or a platform administrator. */
const isOfficial = (user: SessionUser) => user.platformAdmin || user.memberships.some((m) => hasRole(user, 'official', m.municipalityId));

/**
 * The KPI indicators of a dashboard for every municipality hosted here, side by side. The request
 * municipality is computed as its reader may see it; the others give their published aggregates:
 * a public layer's as they are, a personal-data layer's always with small counts suppressed, a
 * layer closed to this reader not at all.
 */
export async function compareMunicipalities(
  pool: pg.Pool,
  layers: LayerRegistry,
  definition: DashboardDefinition,
  municipalities: Municipality[],
  own: Municipality,
  user: SessionUser | null,
): Promise<Comparison> {
  if (!user) throw new UserError(401, 'The national comparison is for officials of the municipalities hosted here. Sign in.');
  if (!isOfficial(user)) throw forbidden('The national comparison is for officials, editors and admins; ask an administrator for the official role.');
  const kpis = definition.indicators.filter((i) => i.kind === 'kpi');
  const rows: ComparisonRow[] = [];
  for (const m of municipalities) {
    const read = await indicatorLayers(layers, definition, m);
    const isOwn = m.id === own.id;
    const row: ComparisonRow = { id: m.id, code: m.code, name: m.name, own: isOwn, published: false, values: {}, suppressed: {} };
    // Per KPI, as the access module decides for every layer it reads; another municipality's
    // personal data is published to officials suppressed (publishesSuppressedSummary).
    const shown = kpis.flatMap((kpi) => {
      const access = indicatorAccess(user, kpi, read);
      if (access !== 'none') return [{ kpi, suppress: access === 'suppressed' }];
      const published = !isOwn && kpi.layers.every((key) => read.get(key) && publishesSuppressedSummary(read.get(key)!));
      return published ? [{ kpi, suppress: true }] : [];
    });
    if (shown.length) {
      row.published = true;
      await readIndicators(pool, async (db) => {
        const results = await computeIndicators(db, definition, shown.map((s) => s.kpi), m.id, { unitId: null, from: null, to: null }, null, (kpi) =>
          shown.some((s) => s.kpi === kpi && s.suppress),
        );
        shown.forEach(({ kpi }, i) => {
          const value = results[i].rows[0]?.value;
          row.values[kpi.id] = typeof value === 'number' ? value : null;
          row.suppressed[kpi.id] = results[i].suppressed?.[0] ?? false;
        });
      });
    }
    rows.push(row);
  }
  rows.sort((a, b) => Number(b.own) - Number(a.own) || a.name.localeCompare(b.name, 'lv'));
  return { indicators: kpis.map(({ recordCount: _, layers: _layers, ...shown }) => shown), municipalities: rows };
}
