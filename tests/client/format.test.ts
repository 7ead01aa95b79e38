import { describe, expect, it } from 'vitest';
import { formatCadastre, formatValue } from '../../client/src/lib/data/format.js';
import { sewerConnectionStatuses } from '../../server/src/layers/domainLayers.js';

describe('formatCadastre', () => {
  it('groups parcel, building and premises designations as the Land Register writes them', () => {
    expect(formatCadastre('80760040001')).toBe('8076 004 0001');
    expect(formatCadastre('80760040001001')).toBe('8076 004 0001 001');
    expect(formatCadastre('80760040001001002')).toBe('8076 004 0001 001 002');
    expect(formatCadastre('8076 004 0001')).toBe('8076 004 0001');
  });

  it('leaves anything else alone', () => {
    expect(formatCadastre('8076004000')).toBe('8076004000');
    expect(formatCadastre('80760040001A')).toBe('80760040001A');
    expect(formatCadastre('')).toBe('');
  });
});

describe('formatValue', () => {
  const status = { name: 'status', type: 'text' as const, format: 'status' as const, values: sewerConnectionStatuses };

  it('shows status codes by their label in the UI language', () => {
    expect(formatValue(status, 'connected', 'lv')).toBe('Pieslēgts');
    expect(formatValue(status, 'connected', 'en')).toBe('Connected');
    expect(formatValue(status, 'connected', 'uk')).toBe('Підключено');
    expect(formatValue(status, 'unknown_code', 'lv')).toBe('unknown_code');
  });

  it('formats cadastre designations', () => {
    expect(formatValue({ name: 'cadastre_designation', type: 'text', format: 'cadastre' }, '80760040005', 'en')).toBe('8076 004 0005');
  });

  it('formats money in EUR per locale', () => {
    const eur = { name: 'cofinancing_eur', type: 'number' as const, format: 'eur' as const };
    expect(formatValue(eur, 1200.5, 'lv')).toBe('1200,50\u00a0€');
    expect(formatValue(eur, 1200.5, 'en')).toBe('€1,200.50');
    expect(formatValue(eur, '12345.5', 'lv')).toBe('12\u00a0345,50\u00a0€');
  });

  it('formats numbers per locale but leaves years and codes ungrouped', () => {
    expect(formatValue({ name: 'length_m', type: 'number' }, 12345.5, 'lv')).toBe('12\u00a0345,5');
    expect(formatValue({ name: 'length_m', type: 'number' }, 12345.5, 'en')).toBe('12,345.5');
    expect(formatValue({ name: 'year_built', type: 'integer' }, 2015, 'en')).toBe('2015');
    expect(formatValue({ name: 'code', type: 'integer' }, 100000009, 'en')).toBe('100000009');
  });

  it('formats calendar dates per locale without shifting the day', () => {
    const date = { name: 'applied_on', type: 'date' as const };
    expect(formatValue(date, '2024-05-30', 'lv')).toBe('2024. gada 30. maijs');
    expect(formatValue(date, '2024-05-30', 'en')).toBe('30 May 2024');
    expect(formatValue(date, '2024-01-01', 'uk')).toMatch(/^1 січ\. 2024/);
    expect(formatValue(date, 'not a date', 'lv')).toBe('not a date');
  });

  it('shows booleans and empty values in words', () => {
    expect(formatValue({ name: 'accessible', type: 'boolean' }, true, 'lv')).toBe('Jā');
    expect(formatValue({ name: 'accessible', type: 'boolean' }, false, 'en')).toBe('No');
    expect(formatValue({ name: 'x', type: 'text' }, null, 'lv')).toBe('—');
    expect(formatValue({ name: 'x', type: 'text' }, '', 'lv')).toBe('—');
  });
});
