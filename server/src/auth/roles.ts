/** Roles per municipality, weakest first: planner, official, GIS specialist, administrator. */
export const ROLES = ['viewer', 'official', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Membership {
  municipalityId: number;
  municipalityCode: string;
  municipalityName: string;
  role: Role;
}

/** The signed-in user a request carries (`request.user`). */
export interface SessionUser {
  id: number;
  email: string;
  name: string;
  language: 'lv' | 'en' | 'uk';
  /** Administrator of every municipality (the hosting IT centre). */
  platformAdmin: boolean;
  memberships: Membership[];
}

/** The user's role in a municipality: a platform administrator is admin everywhere; null when none. */
export function roleIn(user: SessionUser | null | undefined, municipalityId: number | null): Role | null {
  if (!user) return null;
  if (user.platformAdmin) return 'admin';
  if (municipalityId === null) return null;
  return user.memberships.find((m) => m.municipalityId === municipalityId)?.role ?? null;
}

/** Whether the user holds at least `role` in the municipality (admin ⊇ editor ⊇ official ⊇ viewer). */
export function hasRole(user: SessionUser | null | undefined, role: Role, municipalityId: number | null): boolean {
  const held = roleIn(user, municipalityId);
  return held !== null && ROLES.indexOf(held) >= ROLES.indexOf(role);
}
