import { hasRole, ROLES, type SessionUser } from '../auth/roles.js';
import type { LayerStats } from '../layers/layerStats.js';
import type { ReadRole, ResolvedLayer } from '../layers/registry.js';
import { badRequest, forbidden, UserError } from '../plugins/errors.js';

/**
 * The one place that answers "may this user read the records of this layer, its aggregates, its
 * metadata, and which of its fields?".
 *
 * - A layer that is not restricted: everyone reads its records and its public fields.
 * - A restricted layer (personal data, e.g. refugee accommodation): only editors and admins of the
 *   layer's municipality (and platform administrators) read its records; everyone else — viewers,
 *   officials, anonymous visitors, any role of another municipality — is refused. An administrator
 *   may widen that to officials, never further (PERSONAL_DATA_WIDEST_ROLE).
 * - Restricted fields (owners, contact persons, phones): only the same editors and admins see
 *   them, and never in vector tiles, which HTTP caches may keep and which carry no audit entry.
 * - Aggregates (dashboard KPIs, per-unit counts): readers of the records get them whole; officials
 *   get a restricted layer's with small counts suppressed; nobody else gets any. A layer an
 *   administrator closed to a role (e.g. sewer connections for officials and up) gives everyone
 *   below that role neither records nor aggregates.
 * - Metadata derived from positions (feature count, extent, TileJSON bounds): only to readers of
 *   the records; with one site in a parish the extent is its position.
 *
 * Every surface that reads a layer — catalog, tiles, OGC, tables, exports, search, analysis,
 * dashboards, work lists, the public maps — asks here; none decides on its own.
 */

/** The role a user needs in the layer's municipality to read personal data. */
export const PERSONAL_DATA_ROLE = 'editor';

/** Which surface is asking; it only shapes the refusal message. */
export type ReadSurface = 'records' | 'features' | 'tiles';

/** Whether the user may read the records (and so the geometry of single features) of the layer. */
export function mayReadRecords(user: SessionUser | null, layer: ResolvedLayer): boolean {
  return layer.readRole === 'public' || hasRole(user, layer.readRole, layer.municipalityId);
}

/** Whether anyone, signed in or not, reads the layer's records: its tiles may go to shared caches. */
export const isPublicLayer = (layer: ResolvedLayer) => layer.readRole === 'public';

/** The role that reads per-parish aggregates of a restricted layer (with small counts suppressed). */
export const AGGREGATE_ROLE = 'official';

/** How a user reads a layer's aggregates: not at all, with small counts suppressed, or whole. */
export type AggregateAccess = 'none' | 'suppressed' | 'full';

/**
 * How the user may read the layer's aggregates (per territorial unit, dashboard KPIs): whole for
 * readers of its records; for a restricted layer, officials and stronger roles of its
 * municipality with small counts suppressed; otherwise not at all (a layer closed to a role is
 * closed with its aggregates).
 */
export function aggregateAccess(user: SessionUser | null, layer: ResolvedLayer): AggregateAccess {
  if (mayReadRecords(user, layer)) return 'full';
  return layer.restricted && hasRole(user, AGGREGATE_ROLE, layer.municipalityId) ? 'suppressed' : 'none';
}

/** Whether the user may read the layer's aggregates per territorial unit (see aggregateAccess). */
export function mayReadAggregates(user: SessionUser | null, layer: ResolvedLayer): boolean {
  return aggregateAccess(user, layer) !== 'none';
}

/**
 * How the user reads figures computed from several layers at once (a dashboard KPI that joins
 * connections, mains and addresses): the weakest access among them; 'none' when a layer is missing.
 */
export function combinedAggregateAccess(user: SessionUser | null, layers: (ResolvedLayer | undefined)[]): AggregateAccess {
  const each = layers.map((l) => (l ? aggregateAccess(user, l) : 'none'));
  return each.includes('none') ? 'none' : each.includes('suppressed') ? 'suppressed' : 'full';
}

/** Whether the user may read the records of every one of these layers (a list that joins them); false when one is missing. */
export function mayReadRecordsOfAll(user: SessionUser | null, layers: (ResolvedLayer | undefined)[]): boolean {
  return layers.every((l) => l !== undefined && mayReadRecords(user, l));
}

/**
 * Whether the layer's per-unit aggregates with small counts suppressed are published beyond the
 * readers of its aggregates: on the public refugee help map (free places per parish) and in the
 * national comparison of officials. A public layer's are; a personal-data layer's are, being
 * suppressed; a layer an administrator closed to a role is not.
 */
export function publishesSuppressedSummary(layer: ResolvedLayer): boolean {
  return layer.readRole === 'public' || layer.restricted;
}

/** 401/403 unless the user may read the layer's aggregates, naming who may. */
export function assertAggregatesReadable(user: SessionUser | null, layer: ResolvedLayer, what = `the layer "${layer.id}"`): AggregateAccess {
  const access = aggregateAccess(user, layer);
  if (access !== 'none') return access;
  const who = layer.restricted
    ? `${what} holds personal data; its aggregates are for officials, editors and admins of its municipality`
    : `${what} is available only to the ${layer.readRole} role and stronger roles of its municipality, its aggregates too`;
  if (!user) throw new UserError(401, `${capitalise(who)}. Sign in.`);
  throw forbidden(`${capitalise(who)}.`);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The feature count and extent of the layer as this user may see them: only readers of its
 * records get them (with one site in a parish the extent is its position); for everyone else
 * they are null and never computed. The layer catalog and the OGC collections ask here.
 */
export async function visibleLayerStats(user: SessionUser | null, layer: ResolvedLayer, compute: () => Promise<LayerStats>): Promise<LayerStats | null> {
  return mayReadRecords(user, layer) ? compute() : null;
}

/**
 * The widest read role a layer holding personal data may be given (README, docs/accounts.md):
 * officials. sql/migrations/0025_personal_data_read_ceiling.sql enforces the same in the database.
 */
export const PERSONAL_DATA_WIDEST_ROLE = 'official';

/** 400 when the read role is wider than the layer may have: personal data never below officials. */
export function assertReadRoleAllowed(layer: ResolvedLayer, readRole: ReadRole): void {
  if (!layer.restricted) return;
  if (readRole !== 'public' && ROLES.indexOf(readRole) >= ROLES.indexOf(PERSONAL_DATA_WIDEST_ROLE)) return;
  throw badRequest(
    `The layer "${layer.id}" holds personal data: it can be opened at most to officials (the ceiling is the ${PERSONAL_DATA_WIDEST_ROLE} role), ` +
      `not to ${readRole === 'public' ? 'the public' : `the ${readRole} role`}. Choose official, editor or admin.`,
  );
}

/**
 * Who reads a newly published dataset: the municipality's signed-in roles (viewer and up) until an
 * editor or admin makes it public. Replacing or restoring a dataset keeps its setting.
 */
export const NEW_DATASET_READ_ROLE: ReadRole = 'viewer';

/**
 * The read role a dataset gets from the Data page's public/private switch: public, or back to the
 * municipality's signed-in roles (a role an administrator set stays as it is).
 */
export function datasetReadRole(layer: ResolvedLayer, makePublic: boolean): ReadRole {
  if (makePublic) return 'public';
  return layer.readRole === 'public' ? NEW_DATASET_READ_ROLE : layer.readRole;
}

/** Whether the user may see the layer's restricted fields in records (never in tiles). */
export function mayReadRestrictedFields(user: SessionUser | null, layer: ResolvedLayer): boolean {
  return hasRole(user, PERSONAL_DATA_ROLE, layer.municipalityId);
}

/** 403 unless the user may read the layer's records, with the message the asking surface uses. */
export function assertRecordsReadable(user: SessionUser | null, layer: ResolvedLayer, surface: ReadSurface): void {
  if (mayReadRecords(user, layer)) return;
  const what = {
    records: 'its records are not public.',
    features: 'its features cannot be read through this API without such a role.',
    tiles: 'its tiles are not public.',
  }[surface];
  if (!layer.restricted) {
    throw forbidden(
      `The layer "${layer.id}" is available only to the ${layer.readRole} role and stronger roles of its municipality; ${what}` +
        (user ? '' : ' Sign in.'),
    );
  }
  throw forbidden(
    `The layer "${layer.id}" holds personal data and is available only to authorised roles` +
      `; ${what}` +
      (user ? '' : ' Sign in with an editor or admin account of its municipality.'),
  );
}

/**
 * The layer as this user reads its records: for editors and admins of its municipality its
 * restricted fields count as public fields, so every repository that selects "the public fields"
 * returns them too; for everyone else the layer itself. Never use it for tiles.
 */
export function recordView(user: SessionUser | null, layer: ResolvedLayer): ResolvedLayer {
  if (!layer.fields.some((f) => f.restricted) || !mayReadRestrictedFields(user, layer)) return layer;
  return {
    ...layer,
    fields: layer.fields.map((f) => (f.restricted ? { ...f, restricted: false } : f)),
    sql: { ...layer.sql, publicColumns: layer.sql.allColumns },
  };
}

/**
 * Whether this read hands out personal data and so needs an audit entry: records of a restricted
 * layer, or a view that includes restricted fields.
 */
export function readIsAudited(layer: ResolvedLayer, view: ResolvedLayer): boolean {
  return layer.restricted || view !== layer;
}
