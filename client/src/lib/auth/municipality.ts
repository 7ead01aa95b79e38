import type { Role, SessionUser } from '../api';
import { roles } from './roles';

const STORAGE_KEY = 'gis.municipality';

type User = Pick<SessionUser, 'memberships' | 'platformAdmin'> | null;

/**
 * The municipality the client works in (sent as X-Municipality): the one the user chose, if they
 * may work there; else the one where the user holds the strongest role; null leaves the choice to
 * the server (a subdomain, or the deployment's default municipality).
 * @example workingMunicipality({ platformAdmin: false, memberships: [{ municipalityCode: 'marupe', role: 'editor' }] }, null) // 'marupe'
 */
export function workingMunicipality(user: User, chosen: string | null): string | null {
  if (chosen && (user?.platformAdmin || user?.memberships.some((m) => m.municipalityCode === chosen))) return chosen;
  if (!user?.memberships.length) return null;
  return [...user.memberships].sort((a, b) => roles.indexOf(b.role) - roles.indexOf(a.role))[0].municipalityCode;
}

/** Whether the user holds at least `role` in the municipality (any of theirs when `code` is null). */
export function holdsRole(user: User, role: Role, code: string | null): boolean {
  if (!user) return false;
  if (user.platformAdmin) return true;
  return user.memberships.some((m) => (code === null || m.municipalityCode === code) && roles.indexOf(m.role) >= roles.indexOf(role));
}

/** The municipality the user last chose in this browser, if any. */
export function chosenMunicipality(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function rememberMunicipality(code: string | null): void {
  try {
    if (code) localStorage.setItem(STORAGE_KEY, code);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}
