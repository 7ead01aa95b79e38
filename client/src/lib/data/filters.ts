import type { FeatureFilter, FilterOp, LayerField } from '../api';

/** A condition as the user types it: the value is still text from an input. */
export interface DraftCondition {
  field: string;
  op: FilterOp;
  value: string;
}

const valueless: FilterOp[] = ['isNull', 'notNull'];

/** The operators that make sense for a field. */
export function operatorsFor(field: Pick<LayerField, 'type' | 'values'>): FilterOp[] {
  if (field.values) return ['eq', 'ne', 'in', 'isNull', 'notNull'];
  switch (field.type) {
    case 'integer':
    case 'number':
    case 'date':
    case 'datetime':
      return ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'isNull', 'notNull'];
    case 'boolean':
      return ['eq', 'isNull', 'notNull'];
    default:
      return ['contains', 'eq', 'ne', 'in', 'isNull', 'notNull'];
  }
}

export const needsValue = (op: FilterOp) => !valueless.includes(op);

/** Why a draft cannot become a filter: a message key, or null when it is fine. */
export type DraftProblem = 'filter.needValue' | 'filter.invalidNumber' | 'filter.invalidDate' | null;

function typedValue(field: Pick<LayerField, 'type'>, text: string): { value?: string | number | boolean; problem: DraftProblem } {
  const trimmed = text.trim();
  if (!trimmed) return { problem: 'filter.needValue' };
  if (field.type === 'integer' || field.type === 'number') {
    // Latvian users type a decimal comma.
    const n = Number(trimmed.replace(/\s/g, '').replace(',', '.'));
    if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) return { problem: 'filter.invalidNumber' };
    return { value: n, problem: null };
  }
  if (field.type === 'date' || field.type === 'datetime') {
    if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(trimmed) || Number.isNaN(Date.parse(trimmed))) return { problem: 'filter.invalidDate' };
    return { value: trimmed, problem: null };
  }
  if (field.type === 'boolean') return { value: trimmed === 'true', problem: null };
  return { value: trimmed, problem: null };
}

/**
 * Turns what the user chose into a structured filter the server parameterises: values typed by the
 * field (numbers as numbers, a list for `in`), never a text expression.
 */
export function toFilter(draft: DraftCondition, fields: Pick<LayerField, 'name' | 'type'>[]): { filter?: FeatureFilter; problem: DraftProblem } {
  const field = fields.find((f) => f.name === draft.field);
  if (!field) throw new Error(`toFilter: the layer has no field "${draft.field}"`);
  if (!needsValue(draft.op)) return { filter: { field: field.name, op: draft.op }, problem: null };
  if (draft.op === 'in') {
    const items = draft.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!items.length) return { problem: 'filter.needValue' };
    const values: (string | number)[] = [];
    for (const item of items) {
      const typed = typedValue(field, item);
      if (typed.problem) return { problem: typed.problem };
      values.push(typed.value as string | number);
    }
    return { filter: { field: field.name, op: 'in', value: values }, problem: null };
  }
  if (draft.op === 'contains') {
    const text = draft.value.trim();
    return text ? { filter: { field: field.name, op: 'contains', value: text }, problem: null } : { problem: 'filter.needValue' };
  }
  const typed = typedValue(field, draft.value);
  if (typed.problem) return { problem: typed.problem };
  return { filter: { field: field.name, op: draft.op, value: typed.value }, problem: null };
}
