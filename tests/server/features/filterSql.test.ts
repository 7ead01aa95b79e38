import { describe, expect, it } from 'vitest';
import {
  coerceValue,
  escapeLike,
  filterConditions,
  orderByClause,
  parseFilter,
  SqlParams,
  whereClause,
  type FilterableLayer,
  type FilterCondition,
} from '../../../server/src/features/filterSql.js';
import type { LayerField } from '../../../server/src/layers/types.js';
import { UserError } from '../../../server/src/plugins/errors.js';

const field = (name: string, type: LayerField['type'], restricted = false): LayerField => ({ name, type, title: { lv: name }, restricted });
const fields = [
  field('status', 'text'),
  field('applied_on', 'date'),
  field('amount', 'number'),
  field('rooms', 'integer'),
  field('accessible', 'boolean'),
  field('changed_at', 'datetime'),
  field('owner_name', 'text', true),
];

/** A layer as the registry resolves it, with a source filter of its own. */
const layer: FilterableLayer = {
  id: 'testa-things',
  fields,
  sql: {
    table: '"thing"',
    id: '"id"',
    geom: '"geom"',
    publicColumns: fields.filter((f) => !f.restricted).map((f) => `"${f.name}"`),
    allColumns: fields.map((f) => `"${f.name}"`),
    filter: (first) => ({ conditions: [`"municipality_id" = $${first}`], values: [7] }),
  },
};

function build(conditions: FilterCondition[]) {
  const params = new SqlParams();
  const sql = filterConditions(layer, conditions, params);
  return { sql, values: params.values };
}

/** The UserError a call throws (fails the test when it does not throw one). */
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('parseFilter', () => {
  it('reads a JSON array of conditions, and nothing from an absent or blank parameter', () => {
    expect(parseFilter(undefined)).toEqual([]);
    expect(parseFilter('  ')).toEqual([]);
    expect(parseFilter('[{"field":"status","op":"in","value":["a","b"]},{"field":"amount","op":"isNull"}]')).toEqual([
      { field: 'status', op: 'in', value: ['a', 'b'] },
      { field: 'amount', op: 'isNull', value: undefined },
    ]);
  });

  it('explains malformed JSON, a non-array, a bad condition and too many conditions', () => {
    expect(userError(() => parseFilter('[{"field":')).message).toMatch(/not valid JSON .*e\.g\. \[\{"field":"status"/);
    expect(userError(() => parseFilter('"status = 1"')).message).toMatch(/must be a JSON array/);
    expect(userError(() => parseFilter('[null]')).message).toMatch(/condition 1 must be an object/);
    expect(userError(() => parseFilter('[{"field":"a","op":"eq"},{"field":"","op":"eq"}]')).message).toMatch(/condition 2 needs a "field"/);
    const op = userError(() => parseFilter('[{"field":"status","op":"LIKE"}]'));
    expect(op.message).toMatch(/"LIKE" is not an operator\. Use one of: eq, ne, lt, lte, gt, gte, contains, in, isNull, notNull/);
    expect(userError(() => parseFilter('[{"field":"status"}]')).message).toMatch(/has no "op"/);
    const many = JSON.stringify(Array.from({ length: 51 }, () => ({ field: 'status', op: 'notNull' })));
    expect(userError(() => parseFilter(many)).message).toMatch(/51 conditions; at most 50/);
  });
});

describe('filterConditions', () => {
  it("puts the layer's own conditions first and numbers every value as a parameter", () => {
    const { sql, values } = build([
      { field: 'status', op: 'eq', value: 'applied' },
      { field: 'amount', op: 'gte', value: 10.5 },
    ]);
    expect(sql).toEqual(['"municipality_id" = $1', 't."status" = $2::text', 't."amount" >= $3::numeric']);
    expect(values).toEqual([7, 'applied', 10.5]);
    const params = new SqlParams();
    params.add('earlier');
    expect(whereClause(layer, [{ field: 'rooms', op: 'lt', value: 3 }], params)).toBe(
      'WHERE "municipality_id" = $2 AND t."rooms" < $3::bigint',
    );
  });

  it('writes each operator', () => {
    const one = (c: FilterCondition) => build([c]).sql[1];
    expect(one({ field: 'status', op: 'ne', value: 'x' })).toBe('t."status" IS DISTINCT FROM $2::text');
    expect(one({ field: 'applied_on', op: 'lt', value: '2024-01-01' })).toBe('t."applied_on" < $2::date');
    expect(one({ field: 'applied_on', op: 'lte', value: '2024-01-01' })).toBe('t."applied_on" <= $2::date');
    expect(one({ field: 'rooms', op: 'gt', value: 1 })).toBe('t."rooms" > $2::bigint');
    expect(one({ field: 'changed_at', op: 'gte', value: '2024-01-01T10:00:00Z' })).toBe('t."changed_at" >= $2::timestamptz');
    expect(one({ field: 'status', op: 'contains', value: 'Mār' })).toBe(
      `search_fold(t."status"::text) LIKE '%' || search_fold($2::text) || '%'`,
    );
    expect(one({ field: 'status', op: 'in', value: ['a', 'b'] })).toBe('t."status" = ANY($2::text[])');
    expect(one({ field: 'accessible', op: 'eq', value: true })).toBe('t."accessible" = $2::boolean');
    expect(one({ field: 'amount', op: 'isNull' })).toBe('t."amount" IS NULL');
    expect(one({ field: 'amount', op: 'notNull', value: 'ignored' })).toBe('t."amount" IS NOT NULL');
    expect(build([{ field: 'rooms', op: 'in', value: ['1', 2] }]).values).toEqual([7, [1, 2]]);
  });

  it('never puts request text into SQL, only registry identifiers and placeholders', () => {
    const hostile = `x'); DROP TABLE layer; --`;
    const { sql, values } = build([
      { field: 'status', op: 'eq', value: hostile },
      { field: 'status', op: 'contains', value: hostile },
      { field: 'status', op: 'in', value: [hostile] },
    ]);
    expect(sql.join(' ')).not.toContain('DROP');
    expect(values).toEqual([7, hostile, escapeLike(hostile), [hostile]]);
    const unknown = userError(() => build([{ field: 'status" = 1 OR "1', op: 'eq', value: 1 }]));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toMatch(/no field "status" = 1 OR "1"/);
  });

  it('escapes LIKE wildcards in contains, so % and _ match only themselves', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
    expect(build([{ field: 'status', op: 'contains', value: '%_' }]).values[1]).toBe('\\%\\_');
  });

  it('names an unknown field and lists the fields that can be used', () => {
    const err = userError(() => build([{ field: 'colour', op: 'eq', value: 'red' }]));
    expect(err.message).toBe(
      'The layer "testa-things" has no field "colour". Fields you can filter on: status, applied_on, amount, rooms, accessible, changed_at.',
    );
    expect(err.details).toMatchObject({ field: 'colour', validFields: expect.not.arrayContaining(['owner_name']) });
  });

  it('refuses restricted fields', () => {
    expect(userError(() => build([{ field: 'owner_name', op: 'notNull' }])).message).toMatch(/"owner_name" holds personal data/);
  });

  it('refuses operators that do not fit the field type', () => {
    expect(userError(() => build([{ field: 'status', op: 'gt', value: 'a' }])).message).toMatch(
      /"status" is text; "gt" compares only numbers and dates\. For text fields use eq, ne, contains, in/,
    );
    expect(userError(() => build([{ field: 'accessible', op: 'lt', value: true }])).message).toMatch(/"accessible" is boolean/);
    expect(userError(() => build([{ field: 'rooms', op: 'contains', value: '1' }])).message).toMatch(/"contains" searches only text/);
    expect(userError(() => build([{ field: 'status', op: 'in', value: [] }])).message).toMatch(/list of 1 to 1000 values/);
    expect(userError(() => build([{ field: 'status', op: 'in', value: Array(1001).fill('a') }])).message).toMatch(/list of 1 to 1000/);
  });
});

describe('coerceValue', () => {
  const coerce = (type: LayerField['type'], value: unknown) => coerceValue({ name: 'f', type }, { op: 'eq', value });

  it('accepts values of the field type in the forms people send', () => {
    expect(coerce('integer', 42)).toBe(42);
    expect(coerce('integer', ' -7 ')).toBe(-7);
    expect(coerce('number', 12.5)).toBe(12.5);
    expect(coerce('number', '1200,50')).toBe(1200.5);
    expect(coerce('number', '.5')).toBe(0.5);
    expect(coerce('date', '2024-02-29')).toBe('2024-02-29');
    expect(coerce('datetime', '2024-02-29T10:15:00+02:00')).toBe('2024-02-29T10:15:00+02:00');
    expect(coerce('datetime', '2024-02-29')).toBe('2024-02-29');
    expect(coerce('boolean', 'false')).toBe(false);
    expect(coerce('boolean', true)).toBe(true);
    expect(coerce('text', 'Mārupe')).toBe('Mārupe');
    expect(coerce('text', 12)).toBe('12');
  });

  it('names the field and the expected type for a value that does not fit', () => {
    const cases: [LayerField['type'], unknown, RegExp][] = [
      ['integer', 1.5, /expects a whole number/],
      ['integer', '12abc', /expects a whole number/],
      ['integer', 2 ** 60, /expects a whole number/],
      ['number', 'NaN', /expects a number/],
      ['number', '1e3; DROP', /expects a number/],
      ['number', Infinity, /expects a number/],
      ['date', '2023-02-29', /expects a date as YYYY-MM-DD/],
      ['date', '31.12.2024', /expects a date as YYYY-MM-DD/],
      ['datetime', 'tomorrow', /expects a date and time in ISO 8601/],
      ['boolean', 'jā', /expects true or false/],
      ['boolean', 1, /expects true or false/],
      ['text', ['a'], /expects text/],
      ['text', { a: 1 }, /expects text/],
      ['date', undefined, /got no value/],
    ];
    for (const [type, value, message] of cases) {
      const err = userError(() => coerce(type, value));
      expect(err.message, `${type} ${String(value)}`).toMatch(message);
      expect(err.message).toMatch(/^The field "f"/);
      expect(err.details).toMatchObject({ field: 'f', expected: type });
    }
    expect(userError(() => coerce('text', 'x'.repeat(1001))).message).toMatch(/1001 characters long; at most 1000/);
    expect(userError(() => coerce('text', null)).message).toMatch(/use the isNull or notNull operator/);
  });
});

describe('orderByClause', () => {
  it('sorts by id by default and breaks ties by id', () => {
    expect(orderByClause(layer, undefined)).toBe('ORDER BY t."id" ASC');
    expect(orderByClause(layer, 'id', 'desc')).toBe('ORDER BY t."id" DESC');
    expect(orderByClause(layer, 'rooms', 'desc')).toBe('ORDER BY t."rooms" DESC NULLS LAST, t."id" ASC');
  });

  it('sorts text by its folded form first, so Ķ sits by K', () => {
    expect(orderByClause(layer, 'status')).toBe('ORDER BY search_fold(t."status"::text) ASC NULLS LAST, t."status" ASC NULLS LAST, t."id" ASC');
  });

  it('refuses unknown and restricted sort fields', () => {
    expect(userError(() => orderByClause(layer, 'id; DROP TABLE layer')).message).toMatch(
      /no field "id; DROP TABLE layer"\. Fields you can sort on: id, status/,
    );
    expect(userError(() => orderByClause(layer, 'owner_name')).message).toMatch(/holds personal data and cannot be used to sort/);
  });
});
