import { badRequest } from '../plugins/errors.js';
import type { EditField, EditSpec } from './specs.js';

/** Columns the server keeps itself; OGC clients (QGIS) send them back unchanged and they are ignored there. */
export const SERVER_COLUMNS = ['id', 'version', 'updated_at', 'status_changed_at', 'municipality_id', 'address_id'];

type Value = string | number | boolean | null;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) && Number(m[1]) >= 1900 && Number(m[1]) <= 2100;
}

/** Why a value does not fit the field, or undefined when it does. */
export function checkValue(f: EditField, v: Value): string | undefined {
  if (v === null || v === '') return f.required ? `"${f.name}" is required` : undefined;
  switch (f.type) {
    case 'text':
      if (typeof v !== 'string') return `"${f.name}" must be text`;
      if (f.maxLength && v.length > f.maxLength) return `"${f.name}" has at most ${f.maxLength} characters`;
      if (f.pattern && !new RegExp(f.pattern).test(v)) {
        return f.name === 'cadastre_designation'
          ? `"${f.name}" must be a land unit's cadastre designation of 11 digits, e.g. 80760040123 (got "${v.slice(0, 40)}")`
          : `"${f.name}" does not have the expected form`;
      }
      return undefined;
    case 'integer':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `"${f.name}" must be a number`;
      if (f.type === 'integer' && !Number.isInteger(v)) return `"${f.name}" must be a whole number`;
      if (f.min !== undefined && v < f.min) return `"${f.name}" must be at least ${f.min}`;
      if (f.max !== undefined && v > f.max) return `"${f.name}" must be at most ${f.max}`;
      return undefined;
    case 'date':
      return typeof v === 'string' && isRealDate(v) ? undefined : `"${f.name}" must be a date as YYYY-MM-DD`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `"${f.name}" must be true or false`;
    case 'enum':
      return typeof v === 'string' && f.options!.some((o) => o.value === v)
        ? undefined
        : `"${f.name}" must be one of ${f.options!.map((o) => o.value).join(', ')}`;
  }
}

/**
 * Checks properties against the spec and returns the values to write. Unknown fields, read-only
 * fields (unless `allowReadOnly`), wrong types, ranges, dates and patterns are refused with one
 * 400 naming every problem. On create, required fields must be present.
 */
export function validateProperties(
  spec: EditSpec,
  props: Record<string, unknown>,
  opts: { create: boolean; allowReadOnly?: boolean; ignoreServerColumns?: boolean },
): Record<string, Value> {
  const problems: string[] = [];
  const out: Record<string, Value> = {};
  for (const [name, raw] of Object.entries(props)) {
    if (opts.ignoreServerColumns && SERVER_COLUMNS.includes(name)) continue;
    const f = spec.fields.find((x) => x.name === name);
    if (!f) {
      problems.push(`"${name}" is not a field of this layer`);
      continue;
    }
    if (f.readOnly && !opts.allowReadOnly) {
      problems.push(`"${name}" changes only through POST /api/workflows/${spec.workflow}/{id}/transition`);
      continue;
    }
    const v = (typeof raw === 'string' ? raw.trim() : raw) as Value;
    const problem = checkValue(f, v);
    if (problem) problems.push(problem);
    else out[name] = v === '' ? null : v;
  }
  if (opts.create) {
    for (const f of spec.fields) {
      if (f.required && (out[f.name] === undefined || out[f.name] === null) && !problems.some((p) => p.startsWith(`"${f.name}"`))) {
        problems.push(`"${f.name}" is required`);
      }
    }
  }
  if (problems.length) {
    const known = spec.fields.filter((f) => !f.readOnly || opts.allowReadOnly).map((f) => f.name);
    throw badRequest(`The feature was not saved: ${problems.join('; ')}. The fields are: ${known.join(', ')}.`, { problems });
  }
  return out;
}
