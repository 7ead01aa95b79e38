import type { FieldType, LayerField } from '../layers/types.js';
import type { ResolvedLayer } from '../layers/registry.js';
import { badRequest } from '../plugins/errors.js';

/**
 * Structured attribute filters and sort orders for a layer's features, turned into SQL.
 *
 * This is the one place where request input shapes a WHERE or ORDER BY clause. Column names come
 * only from the layer registry (pre-quoted there, looked up by the requested field name); every
 * value travels as a `$n` parameter with an explicit cast to the field's type. Nothing the client
 * sends is ever pasted into SQL text.
 */

export const FILTER_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'contains', 'in', 'isNull', 'notNull'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** One condition of a `filter` parameter: `{ "field": "status", "op": "eq", "value": "applied" }`. */
export interface FilterCondition {
  field: string;
  op: FilterOp;
  value?: unknown;
}

export type SortOrder = 'asc' | 'desc';

/** The parts of a registry layer that filtering needs. */
export type FilterableLayer = Pick<ResolvedLayer, 'id' | 'fields' | 'sql'>;

/** The pseudo-field that sorts by the feature id. */
export const ID_SORT = 'id';
export const MAX_CONDITIONS = 50;
export const MAX_IN_VALUES = 1000;
export const MAX_TEXT_VALUE = 1000;

const EXAMPLE = '[{"field":"status","op":"eq","value":"applied"}]';
const ORDERED_TYPES: FieldType[] = ['integer', 'number', 'date', 'datetime'];

/** Collects `$n` values while SQL text is assembled, so the numbering cannot drift. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** How each field type is cast in SQL and described to a user whose value does not fit. */
const TYPES: Record<FieldType, { cast: string; expected: string }> = {
  integer: { cast: 'bigint', expected: 'a whole number, e.g. 42' },
  number: { cast: 'numeric', expected: 'a number, e.g. 12.5' },
  date: { cast: 'date', expected: 'a date as YYYY-MM-DD, e.g. 2024-05-31' },
  datetime: { cast: 'timestamptz', expected: 'a date and time in ISO 8601, e.g. 2024-05-31T14:30:00+03:00' },
  boolean: { cast: 'boolean', expected: 'true or false' },
  text: { cast: 'text', expected: 'text' },
};

/**
 * Reads the `filter` query parameter: a JSON array of conditions combined with AND.
 * @param text the raw parameter, or undefined when absent
 * @returns the conditions, checked for shape only (fields and values are checked per layer)
 * @example parseFilter('[{"field":"status","op":"eq","value":"applied"}]')
 */
export function parseFilter(text: string | undefined): FilterCondition[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw badRequest(`The "filter" parameter is not valid JSON (${reason}). Send a JSON array of conditions, e.g. ${EXAMPLE}.`);
  }
  if (!Array.isArray(parsed)) {
    throw badRequest(`The "filter" parameter must be a JSON array of conditions, e.g. ${EXAMPLE}.`);
  }
  if (parsed.length > MAX_CONDITIONS) {
    throw badRequest(`The "filter" parameter has ${parsed.length} conditions; at most ${MAX_CONDITIONS} are allowed.`);
  }
  return parsed.map((item, i) => {
    const where = `Filter condition ${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw badRequest(`${where} must be an object with "field", "op" and usually "value", e.g. ${EXAMPLE}.`);
    }
    const { field, op, value } = item as Record<string, unknown>;
    if (typeof field !== 'string' || field === '') {
      throw badRequest(`${where} needs a "field": the name of one of the layer's fields.`);
    }
    if (typeof op !== 'string' || !(FILTER_OPS as readonly string[]).includes(op)) {
      const shown = typeof op === 'string' ? `"${op.slice(0, 40)}" is not an operator` : 'has no "op"';
      throw badRequest(`${where} (field "${field.slice(0, 64)}") ${shown}. Use one of: ${FILTER_OPS.join(', ')}.`, {
        field,
        ops: [...FILTER_OPS],
      });
    }
    return { field, op: op as FilterOp, value };
  });
}

/** Names of the fields a user may filter and sort on: the non-restricted ones. */
export function publicFieldNames(layer: FilterableLayer): string[] {
  return layer.fields.filter((f) => !f.restricted).map((f) => f.name);
}

/** The registry field and its quoted column, or a 400 naming the valid fields. */
function publicField(layer: FilterableLayer, name: string, purpose: 'filter' | 'sort'): { field: LayerField; column: string } {
  const index = layer.fields.findIndex((f) => f.name === name);
  const valid = publicFieldNames(layer);
  if (index < 0) {
    const shown = name.length > 64 ? `${name.slice(0, 61)}…` : name;
    const list = purpose === 'sort' ? [ID_SORT, ...valid] : valid;
    throw badRequest(`The layer "${layer.id}" has no field "${shown}". Fields you can ${purpose} on: ${list.join(', ')}.`, {
      field: shown,
      validFields: list,
    });
  }
  const field = layer.fields[index];
  if (field.restricted) {
    throw badRequest(
      `The field "${name}" holds personal data and cannot be used to ${purpose} the layer "${layer.id}". ` +
        `Fields you can ${purpose} on: ${valid.join(', ')}.`,
      { field: name, validFields: valid },
    );
  }
  return { field, column: layer.sql.allColumns[index] };
}

/**
 * Turns the layer's own source filter plus the user's conditions into WHERE conditions, adding
 * every value to `params`.
 * @param alias the table alias the query uses for the layer's table
 * @returns the conditions to AND together (the layer's own first)
 */
export function filterConditions(layer: FilterableLayer, conditions: FilterCondition[], params: SqlParams, alias = 't'): string[] {
  const own = layer.sql.filter(params.values.length + 1);
  params.values.push(...own.values);
  // The registry writes its own conditions with bare column names; queries built here read one
  // table only, so they cannot be ambiguous.
  const sql = [...own.conditions];
  for (const condition of conditions) sql.push(conditionSql(layer, condition, params, alias));
  return sql;
}

/** `WHERE …` for `filterConditions`, or an empty string when there is nothing to filter. */
export function whereClause(layer: FilterableLayer, conditions: FilterCondition[], params: SqlParams, alias = 't'): string {
  const all = filterConditions(layer, conditions, params, alias);
  return all.length ? `WHERE ${all.join(' AND ')}` : '';
}

function conditionSql(layer: FilterableLayer, condition: FilterCondition, params: SqlParams, alias: string): string {
  const { field, column } = publicField(layer, condition.field, 'filter');
  const col = `${alias}.${column}`;
  const { cast } = TYPES[field.type] ?? TYPES.text;
  switch (condition.op) {
    case 'isNull':
      return `${col} IS NULL`;
    case 'notNull':
      return `${col} IS NOT NULL`;
    case 'eq':
      return `${col} = ${params.add(coerceValue(field, condition))}::${cast}`;
    case 'ne':
      // Rows with no value count as "not equal", as a user reading the table expects.
      return `${col} IS DISTINCT FROM ${params.add(coerceValue(field, condition))}::${cast}`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (!ORDERED_TYPES.includes(field.type)) {
        throw badRequest(
          `The field "${field.name}" is ${field.type}; "${condition.op}" compares only numbers and dates. ` +
            `For ${field.type} fields use eq, ne, ${field.type === 'text' ? 'contains, ' : ''}in, isNull or notNull.`,
          { field: field.name },
        );
      }
      const operator = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[condition.op];
      return `${col} ${operator} ${params.add(coerceValue(field, condition))}::${cast}`;
    }
    case 'contains': {
      if (field.type !== 'text') {
        throw badRequest(`The field "${field.name}" is ${field.type}; "contains" searches only text fields. Use eq or in instead.`, {
          field: field.name,
        });
      }
      const value = coerceValue(field, condition) as string;
      // Folded on both sides, so "kekavas" and "ĶEKAVAS" find "Ķekavas"; LIKE wildcards in the value
      // are escaped so that "%" or "_" match only themselves.
      return `search_fold(${col}::text) LIKE '%' || search_fold(${params.add(escapeLike(value))}::text) || '%'`;
    }
    case 'in': {
      if (!Array.isArray(condition.value) || condition.value.length === 0 || condition.value.length > MAX_IN_VALUES) {
        throw badRequest(
          `The "in" condition on "${field.name}" needs "value" to be a list of 1 to ${MAX_IN_VALUES} values, ` +
            `e.g. {"field":"${field.name}","op":"in","value":[…]}.`,
          { field: field.name },
        );
      }
      const values = condition.value.map((v) => coerceValue(field, { ...condition, value: v }));
      return `${col} = ANY(${params.add(values)}::${cast}[])`;
    }
  }
}

/**
 * Checks a condition's value against the field's type and returns it in the form its `$n` cast
 * reads; a value that does not fit is a 400 naming the field and the expected type.
 */
export function coerceValue(field: Pick<LayerField, 'name' | 'type'>, condition: Pick<FilterCondition, 'op' | 'value'>): unknown {
  const value = condition.value;
  const { expected } = TYPES[field.type] ?? TYPES.text;
  const fail = (): never => {
    const shown = value === undefined ? 'no value' : JSON.stringify(value)?.slice(0, 60);
    throw badRequest(`The field "${field.name}" expects ${expected}; the "${condition.op}" condition got ${shown}.`, {
      field: field.name,
      expected: field.type,
    });
  };
  if (value === null) {
    throw badRequest(`The "${condition.op}" condition on "${field.name}" has the value null; use the isNull or notNull operator.`, {
      field: field.name,
    });
  }
  switch (field.type) {
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(value)) return Number(value);
      return fail();
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      // A Latvian decimal comma ("12,5") is as good as a point.
      if (typeof value === 'string' && /^\s*[+-]?(\d{1,30}([.,]\d{0,30})?|[.,]\d{1,30})\s*$/.test(value)) {
        return Number(value.trim().replace(',', '.'));
      }
      return fail();
    }
    case 'date':
      if (typeof value === 'string' && isCalendarDate(value)) return value;
      return fail();
    case 'datetime':
      if (
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/.test(value) &&
        isCalendarDate(value.slice(0, 10)) &&
        !Number.isNaN(Date.parse(value.replace(' ', 'T')))
      ) {
        return value;
      }
      return fail();
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail();
    default:
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && value.length <= MAX_TEXT_VALUE) return value;
      if (typeof value === 'string') {
        throw badRequest(`The value for "${field.name}" is ${value.length} characters long; at most ${MAX_TEXT_VALUE} are allowed.`, {
          field: field.name,
        });
      }
      return fail();
  }
}

function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Escapes LIKE's metacharacters (`\`, `%`, `_`) with the default escape character `\`.
 * @example escapeLike('50%_off') // → '50\\%\\_off'
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `ORDER BY …` for a sort field (a public field or `id`) and direction. Empty values come last
 * either way; text sorts by its folded form first so "Ķekavas" sits with "Kekavas", not after "Z";
 * the id breaks ties, so pages never overlap.
 */
export function orderByClause(layer: FilterableLayer, sort: string | undefined, order: SortOrder = 'asc', alias = 't'): string {
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const id = `${alias}.${layer.sql.id}`;
  if (sort === undefined || sort === '' || sort === ID_SORT) return `ORDER BY ${id} ${dir}`;
  const { field, column } = publicField(layer, sort, 'sort');
  const col = `${alias}.${column}`;
  const keys = field.type === 'text' ? [`search_fold(${col}::text)`, col] : [col];
  return `ORDER BY ${keys.map((k) => `${k} ${dir} NULLS LAST`).join(', ')}, ${id} ASC`;
}
