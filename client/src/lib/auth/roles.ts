import type { Layer, Role, SessionUser } from '../api';

/** Roles weakest first: planner, official, GIS specialist, administrator (as the server ranks them). */
export const roles: readonly Role[] = ['viewer', 'official', 'editor', 'admin'];

/**
 * The user's strongest role in any municipality (a platform administrator is admin everywhere).
 * @example highestRole({ memberships: [{ role: 'viewer' }, { role: 'editor' }] }) // 'editor'
 */
export function highestRole(user: Pick<SessionUser, 'memberships' | 'platformAdmin'> | null): Role | null {
  if (!user) return null;
  if (user.platformAdmin) return 'admin';
  let best = -1;
  for (const m of user.memberships) best = Math.max(best, roles.indexOf(m.role));
  return best < 0 ? null : roles[best];
}

/** The user's role in one municipality, or null. */
export function roleIn(user: Pick<SessionUser, 'memberships' | 'platformAdmin'> | null, municipalityId: number | null): Role | null {
  if (!user) return null;
  if (user.platformAdmin) return 'admin';
  if (municipalityId === null) return null;
  return user.memberships.find((m) => m.municipalityId === municipalityId)?.role ?? null;
}

/** What a catalog entry may say about the asking user's access, when the server says it. */
type AccessHint = { access?: unknown };

/**
 * Whether the user may read the layer's records and tiles. A public layer: always. A restricted
 * one: what the catalog says per layer (`access`) when it says it; otherwise the server's published
 * rule (docs/accounts.md) — editors and admins of the layer's municipality and platform admins.
 */
export function mayReadLayer(layer: Pick<Layer, 'restricted' | 'municipalityId'> & AccessHint, user: SessionUser | null): boolean {
  if (!layer.restricted) return true;
  const { access } = layer;
  if (typeof access === 'boolean') return access;
  if (typeof access === 'string') return ['read', 'records', 'full', 'edit', 'write'].includes(access);
  if (access && typeof access === 'object' && 'read' in access) return (access as { read: unknown }).read === true;
  const role = roleIn(user, layer.municipalityId);
  return role !== null && roles.indexOf(role) >= roles.indexOf('editor');
}

/** Whether the user sees a layer's restricted fields (owners, contacts) in records: editors and admins of its municipality. */
export function mayReadRestrictedFields(layer: Pick<Layer, 'municipalityId'>, user: SessionUser | null): boolean {
  const role = roleIn(user, layer.municipalityId);
  return role !== null && roles.indexOf(role) >= roles.indexOf('editor');
}
