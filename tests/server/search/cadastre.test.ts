import { describe, expect, it } from 'vitest';
import { parseCadastre } from '../../../server/src/search/cadastre.js';

describe('parseCadastre', () => {
  it('reads 11, 14 and 17 digits as parcel, building and premises group, spaces allowed', () => {
    expect(parseCadastre('80760040003')).toEqual({ digits: '80760040003', kind: 'parcel', parcel: '80760040003', lookups: ['80760040003'] });
    expect(parseCadastre('8076 004 0003 001')).toEqual({
      digits: '80760040003001',
      kind: 'building',
      parcel: '80760040003',
      lookups: ['80760040003001', '80760040003'],
    });
    expect(parseCadastre('80760040003001005')).toMatchObject({
      kind: 'premises',
      lookups: ['80760040003001005', '80760040003001', '80760040003'],
    });
    // Leading zeros are part of a designation.
    expect(parseCadastre('01000040003')).toMatchObject({ digits: '01000040003', kind: 'parcel' });
  });

  it('gives a hint for a run of digits of the wrong length', () => {
    expect(parseCadastre('807600400')).toEqual({
      hint: 'A cadastre designation has 11, 14 or 17 digits (land parcel, building, premises group); "807600400" has 9.',
    });
    expect(parseCadastre('8076 0040 0031')).toMatchObject({ hint: expect.stringContaining('has 12') });
    expect(parseCadastre('807600400030001')).toMatchObject({ hint: expect.stringContaining('search its parcel 80760040003') });
  });

  it('is not a designation when there are other characters or too few digits', () => {
    for (const q of ['8076004000a', '80760-040003', 'Daugavas iela 3', '12', '12345678', '', '1'.repeat(21)]) {
      expect(parseCadastre(q), q).toBeUndefined();
    }
  });
});
