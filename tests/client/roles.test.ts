import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../client/src/lib/api.js';
import { highestRole } from '../../client/src/lib/auth/roles.js';

const user = (memberships: SessionUser['memberships'], platformAdmin = false): SessionUser => ({
  id: 1,
  email: 'a@b.lv',
  name: 'Anna Bērziņa',
  language: 'lv',
  platformAdmin,
  memberships,
});

describe('roles in the UI', () => {
  it('names the strongest role of a user, admin for a platform administrator', () => {
    expect(highestRole(null)).toBeNull();
    expect(highestRole(user([]))).toBeNull();
    expect(highestRole(user([{ municipalityId: 1, municipalityCode: 'a', role: 'viewer' }, { municipalityId: 2, municipalityCode: 'b', role: 'editor' }]))).toBe('editor');
    expect(highestRole(user([], true))).toBe('admin');
  });
});
