import type { Role, SessionUser } from '../api';

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
