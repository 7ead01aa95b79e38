import { describe, expect, it } from 'vitest';
import { holdsRole, workingMunicipality } from '../../client/src/lib/auth/municipality.js';
import type { Role } from '../../client/src/lib/api.js';

const user = (memberships: [string, Role][], platformAdmin = false) => ({
  platformAdmin,
  memberships: memberships.map(([code, role], i) => ({ municipalityId: i + 1, municipalityCode: code, role })),
});

describe('the municipality the client works in', () => {
  it('is the one where the user holds the strongest role, unless they chose another of theirs', () => {
    const u = user([['adazi', 'viewer'], ['marupe', 'editor']]);
    expect(workingMunicipality(u, null)).toBe('marupe');
    expect(workingMunicipality(u, 'adazi')).toBe('adazi');
    // A remembered choice the user no longer belongs to is ignored.
    expect(workingMunicipality(u, 'ogre')).toBe('marupe');
  });

  it("is left to the server for anonymous visitors and users without memberships; a platform admin's choice stands", () => {
    expect(workingMunicipality(null, 'marupe')).toBeNull();
    expect(workingMunicipality(user([]), null)).toBeNull();
    expect(workingMunicipality(user([], true), 'ogre')).toBe('ogre');
  });

  it('says whether the user may upload in that municipality', () => {
    const u = user([['adazi', 'viewer'], ['marupe', 'editor']]);
    expect(holdsRole(u, 'editor', 'marupe')).toBe(true);
    expect(holdsRole(u, 'editor', 'adazi')).toBe(false);
    expect(holdsRole(null, 'viewer', null)).toBe(false);
    expect(holdsRole(user([], true), 'admin', 'ogre')).toBe(true);
  });
});
