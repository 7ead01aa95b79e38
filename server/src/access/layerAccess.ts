import { hasRole, type SessionUser } from '../auth/roles.js';
import type { ResolvedLayer } from '../layers/registry.js';
import { forbidden } from '../plugins/errors.js';

/**
 * The one place that answers "may this user read the records of this layer, and which of its
 * fields?". Tiles, OGC API – Features, the attribute table and exports all ask here.
 *
 * - A layer that is not restricted: everyone reads its records and its public fields.
 * - A restricted layer (personal data, e.g. refugee accommodation): only editors and admins of the
 *   layer's municipality (and platform administrators) read its records; everyone else — viewers,
 *   officials, anonymous visitors, any role of another municipality — is refused (officials will
 *   get per-parish aggregates).
 * - Restricted fields (owners, contact persons, phones): only the same editors and admins see
 *   them, and never in vector tiles, which HTTP caches may keep and which carry no audit entry.
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

/**
 * Whether the user may read the layer's aggregates per territorial unit: everyone for a public
 * layer; for a restricted one, officials and stronger roles of its municipality.
 */
export function mayReadAggregates(user: SessionUser | null, layer: ResolvedLayer): boolean {
  return !layer.restricted || hasRole(user, AGGREGATE_ROLE, layer.municipalityId) || mayReadRecords(user, layer);
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
