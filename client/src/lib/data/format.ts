import type { LayerField } from '../api';
import { intlLocale, localized, translate, type Locale } from '../i18n/messages';

/**
 * Writes a cadastre designation the way the Land Register does: groups of 4 + 3 + 4 digits for a
 * parcel (11), then 3 more for a building (14) and 3 for a premises group (17).
 * Anything else is returned unchanged.
 * @example formatCadastre('80760040001') // "8076 004 0001"
 */
export function formatCadastre(value: string): string {
  const digits = value.replace(/\s+/g, '');
  if (!/^\d+$/.test(digits) || ![11, 14, 17].includes(digits.length)) return value;
  const groups = [digits.slice(0, 4), digits.slice(4, 7), digits.slice(7, 11)];
  for (let i = 11; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.join(' ');
}

// Years and codes read as numbers but must not be grouped ("2015", not "2,015").
const ungrouped = /(^|_)(year|code|nr|number|id)(_|$)|year_built|atvk/;

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A field value as the UI shows it in `locale`: status codes by their labels, cadastre
 * designations grouped, money in EUR, numbers and dates per locale, empty as "—".
 */
export function formatValue(field: Pick<LayerField, 'name' | 'type' | 'format' | 'values'>, value: unknown, locale: Locale): string {
  if (value === null || value === undefined || value === '') return translate(locale, 'value.empty');
  const tag = intlLocale[locale];
  if (field.values && typeof value !== 'object') {
    const label = field.values[String(value)];
    if (label) return localized(label, locale);
  }
  if (field.format === 'cadastre') return formatCadastre(String(value));
  if (field.type === 'boolean' || typeof value === 'boolean') {
    const yes = value === true || value === 'true' || value === 't' || value === 1;
    return translate(locale, yes ? 'value.yes' : 'value.no');
  }
  if (field.type === 'date' || field.type === 'datetime') {
    const text = String(value);
    const m = dateOnly.exec(text);
    // A date without a time is a calendar day: format it in UTC so no time zone shifts the day.
    const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : new Date(text);
    if (Number.isNaN(date.getTime())) return text;
    return field.type === 'date' || m
      ? new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' }).format(date)
      : new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  }
  const numeric = typeof value === 'number' ? value : field.type === 'integer' || field.type === 'number' ? Number(value) : NaN;
  if (!Number.isNaN(numeric) && (typeof value === 'number' || field.type === 'integer' || field.type === 'number')) {
    if (field.format === 'eur') return new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR' }).format(numeric);
    if (field.format === 'percent') return new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 }).format(numeric / 100);
    return new Intl.NumberFormat(tag, { maximumFractionDigits: 3, useGrouping: !ungrouped.test(field.name) }).format(numeric);
  }
  return String(value);
}
