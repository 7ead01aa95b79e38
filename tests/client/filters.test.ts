import { describe, expect, it } from 'vitest';
import { featureQueryString, exportUrl } from '../../client/src/lib/api.js';
import { operatorsFor, toFilter } from '../../client/src/lib/data/filters.js';
import { sewerConnectionStatuses } from '../../server/src/layers/domainLayers.js';

const fields = [
  { name: 'status', type: 'text' as const, values: sewerConnectionStatuses },
  { name: 'property_address', type: 'text' as const },
  { name: 'cofinancing_eur', type: 'number' as const },
  { name: 'year_built', type: 'integer' as const },
  { name: 'applied_on', type: 'date' as const },
  { name: 'accessible', type: 'boolean' as const },
];

describe('structured filters', () => {
  it('offers operators that fit the field', () => {
    expect(operatorsFor(fields[0])).toEqual(['eq', 'ne', 'in', 'isNull', 'notNull']);
    expect(operatorsFor(fields[1])).toContain('contains');
    expect(operatorsFor(fields[2])).toContain('gte');
    expect(operatorsFor(fields[2])).not.toContain('contains');
  });

  it('types values by the field: numbers as numbers (decimal comma too), lists for "in"', () => {
    expect(toFilter({ field: 'status', op: 'eq', value: 'connected' }, fields)).toEqual({ filter: { field: 'status', op: 'eq', value: 'connected' }, problem: null });
    expect(toFilter({ field: 'cofinancing_eur', op: 'gt', value: '1 200,5' }, fields).filter).toEqual({ field: 'cofinancing_eur', op: 'gt', value: 1200.5 });
    expect(toFilter({ field: 'status', op: 'in', value: 'applied, connected,' }, fields).filter).toEqual({ field: 'status', op: 'in', value: ['applied', 'connected'] });
    expect(toFilter({ field: 'applied_on', op: 'gte', value: '2024-03-01' }, fields).filter).toEqual({ field: 'applied_on', op: 'gte', value: '2024-03-01' });
    expect(toFilter({ field: 'accessible', op: 'eq', value: 'true' }, fields).filter).toEqual({ field: 'accessible', op: 'eq', value: true });
    expect(toFilter({ field: 'cofinancing_eur', op: 'isNull', value: 'ignored' }, fields).filter).toEqual({ field: 'cofinancing_eur', op: 'isNull' });
  });

  it('passes text with SQL or regex characters through as a plain value', () => {
    const value = "x' OR 1=1; DROP TABLE layer; -- .*[(";
    expect(toFilter({ field: 'property_address', op: 'contains', value }, fields).filter).toEqual({ field: 'property_address', op: 'contains', value });
  });

  it('says what is wrong with a value', () => {
    expect(toFilter({ field: 'cofinancing_eur', op: 'gt', value: 'daudz' }, fields).problem).toBe('filter.invalidNumber');
    expect(toFilter({ field: 'year_built', op: 'eq', value: '2015.5' }, fields).problem).toBe('filter.invalidNumber');
    expect(toFilter({ field: 'applied_on', op: 'lt', value: '30.05.2024' }, fields).problem).toBe('filter.invalidDate');
    expect(toFilter({ field: 'status', op: 'eq', value: '  ' }, fields).problem).toBe('filter.needValue');
    expect(() => toFilter({ field: 'nope', op: 'eq', value: '1' }, fields)).toThrow(/no field "nope"/);
  });

  it('sends the filter as JSON in the query string, and the same to the export', () => {
    const filter = [{ field: 'status', op: 'eq' as const, value: 'connected' }];
    const qs = new URLSearchParams(featureQueryString({ limit: 50, offset: 100, sort: 'applied_on', order: 'desc', filter }));
    expect(Object.fromEntries(qs)).toEqual({ limit: '50', offset: '100', sort: 'applied_on', order: 'desc', filter: JSON.stringify(filter) });
    const url = new URL(exportUrl('testa-sewer-connections', 'csv', { filter }), 'http://x');
    expect(url.pathname).toBe('/api/layers/testa-sewer-connections/export');
    expect(url.searchParams.get('format')).toBe('csv');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual(filter);
  });
});
