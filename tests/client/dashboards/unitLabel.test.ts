import { describe, expect, it } from 'vitest';
import { unitRowLabel } from '../../../client/src/lib/dashboards/unitLabel';

describe('labels of a breakdown by unit', () => {
  it('titles the row outside every unit in Latvian, English and Ukrainian, and names the others', () => {
    const settlement = { unitKind: 'settlement' as const };
    const outside = { unit_id: null, name: null, properties: 3 };
    expect(unitRowLabel(settlement, { unit_id: 7, name: 'Mārupe' }, 'lv')).toBe('Mārupe');
    expect(unitRowLabel(settlement, outside, 'lv')).toBe('Ārpus apdzīvotām vietām');
    expect(unitRowLabel(settlement, outside, 'en')).toBe('Outside any settlement');
    expect(unitRowLabel(settlement, outside, 'uk')).toBe('Поза населеними пунктами');
    expect(unitRowLabel({ unitKind: 'parish' }, outside, 'lv')).toBe('Ārpus pagastiem un pilsētām');
    expect(unitRowLabel({ unitKind: 'parish' }, outside, 'uk')).toBe('Поза волостями та містами');
  });
});
