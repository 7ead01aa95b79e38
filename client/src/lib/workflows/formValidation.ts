import type { FormField } from './api';

/** A problem with one value of the attribute form: a message key of the workflow catalog and its parameters. */
export interface FieldProblem {
  key: 'workflow.form.required' | 'workflow.form.notInteger' | 'workflow.form.notNumber' | 'workflow.form.min' | 'workflow.form.max' | 'workflow.form.date' | 'workflow.form.pattern' | 'workflow.form.option';
  params?: Record<string, string | number>;
}

export type FormValue = string | number | boolean | null;

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar day in YYYY-MM-DD (2024-02-30 is not). */
export function isIsoDate(text: string): boolean {
  const m = isoDate.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const empty = (v: FormValue | undefined) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Checks one value against its field: required, integer/number, min/max, date, pattern, options.
 * @param field the field from GET /api/layers/{id}/form
 * @param value what the form holds (inputs give strings; checkboxes booleans)
 * @returns the first problem, or null when the value is acceptable
 * @example validateField({ name: 'n', type: 'integer', required: true, min: 1, title }, '0') // { key: 'workflow.form.min', params: { min: 1 } }
 */
export function validateField(field: FormField, value: FormValue | undefined): FieldProblem | null {
  if (field.type === 'boolean') {
    return field.required && value === null ? { key: 'workflow.form.required' } : null;
  }
  if (empty(value)) return field.required ? { key: 'workflow.form.required' } : null;
  const text = String(value).trim();
  switch (field.type) {
    case 'integer':
    case 'number': {
      const n = Number(text.replace(',', '.'));
      if (!Number.isFinite(n)) return { key: 'workflow.form.notNumber' };
      if (field.type === 'integer' && !Number.isInteger(n)) return { key: 'workflow.form.notInteger' };
      if (field.min !== undefined && n < field.min) return { key: 'workflow.form.min', params: { min: field.min } };
      if (field.max !== undefined && n > field.max) return { key: 'workflow.form.max', params: { max: field.max } };
      return null;
    }
    case 'date':
      return isIsoDate(text) ? null : { key: 'workflow.form.date' };
    case 'enum':
      return field.options?.some((o) => o.value === text) ? null : { key: 'workflow.form.option' };
    default:
      if (field.pattern && !new RegExp(`^(?:${field.pattern})$`, 'u').test(text)) return { key: 'workflow.form.pattern' };
      if (field.max !== undefined && text.length > field.max) return { key: 'workflow.form.max', params: { max: field.max } };
      return null;
  }
}

/**
 * Checks every editable field of a form.
 * @returns problems by field name (empty when the form may be sent)
 */
export function validateForm(fields: FormField[], values: Record<string, FormValue | undefined>): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  for (const field of fields) {
    if (field.readOnly) continue;
    const problem = validateField(field, values[field.name]);
    if (problem) problems[field.name] = problem;
  }
  return problems;
}

/**
 * Turns form input into the JSON the API takes: numbers as numbers, empty text as null.
 * @example toProperties([{ name: 'n', type: 'number', … }], { n: '12,5' }) // { n: 12.5 }
 */
export function toProperties(fields: FormField[], values: Record<string, FormValue | undefined>): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const field of fields) {
    if (field.readOnly || !(field.name in values)) continue;
    const value = values[field.name];
    if (field.type === 'boolean') out[field.name] = value === null || value === undefined ? null : Boolean(value);
    else if (empty(value)) out[field.name] = null;
    else if (field.type === 'integer' || field.type === 'number') out[field.name] = Number(String(value).trim().replace(',', '.'));
    else out[field.name] = String(value).trim();
  }
  return out;
}
