import { describe, expect, it } from 'vitest';
import type { Layer, SessionUser } from '../../client/src/lib/api.js';
import { highestRole, mayReadLayer, mayReadRestrictedFields, roleIn } from '../../client/src/lib/auth/roles.js';

const user = (memberships: SessionUser['memberships'], platformAdmin = false): SessionUser => ({
  id: 1,
  email: 'a@b.lv',
  name: 'Anna Bērziņa',
  language: 'lv',
  platformAdmin,
  memberships,
});
const accommodation = { restricted: true, municipalityId: 7 } as Pick<Layer, 'restricted' | 'municipalityId'>;
const sewer = { restricted: false, municipalityId: 7 } as Pick<Layer, 'restricted' | 'municipalityId'>;

describe('roles in the UI', () => {
  it('names the strongest role of a user, admin for a platform administrator', () => {
    expect(highestRole(null)).toBeNull();
    expect(highestRole(user([]))).toBeNull();
    expect(highestRole(user([{ municipalityId: 1, municipalityCode: 'a', role: 'viewer' }, { municipalityId: 2, municipalityCode: 'b', role: 'editor' }]))).toBe('editor');
    expect(highestRole(user([], true))).toBe('admin');
    expect(roleIn(user([{ municipalityId: 1, municipalityCode: 'a', role: 'official' }]), 1)).toBe('official');
    expect(roleIn(user([{ municipalityId: 1, municipalityCode: 'a', role: 'official' }]), 2)).toBeNull();
  });

  it('unlocks a restricted layer only for editors and admins of its municipality', () => {
    const m = (role: SessionUser['memberships'][number]['role'], municipalityId = 7) => user([{ municipalityId, municipalityCode: 'x', role }]);
    expect(mayReadLayer(sewer, null)).toBe(true);
    expect(mayReadLayer(accommodation, null)).toBe(false);
    expect(mayReadLayer(accommodation, m('viewer'))).toBe(false);
    expect(mayReadLayer(accommodation, m('official'))).toBe(false);
    expect(mayReadLayer(accommodation, m('editor'))).toBe(true);
    expect(mayReadLayer(accommodation, m('admin'))).toBe(true);
    expect(mayReadLayer(accommodation, m('admin', 8))).toBe(false);
    expect(mayReadLayer(accommodation, user([], true))).toBe(true);
    expect(mayReadRestrictedFields(sewer, m('editor'))).toBe(true);
    expect(mayReadRestrictedFields(sewer, m('official'))).toBe(false);
  });

  it('follows what the catalog says about access when it says it', () => {
    expect(mayReadLayer({ ...accommodation, access: 'read' } as never, null)).toBe(true);
    expect(mayReadLayer({ ...accommodation, access: 'none' } as never, user([], true))).toBe(false);
    expect(mayReadLayer({ ...accommodation, access: false } as never, null)).toBe(false);
    expect(mayReadLayer({ ...accommodation, access: { read: true } } as never, null)).toBe(true);
  });
});
