import type { Measure } from '../../../../server/src/dashboards/types';

/** A number as its measure is read in the locale: 42,9 %, 1 234 EUR, 3,5 km. */
export function formatMeasure(value: number | string | null | undefined, measure: Measure, locale: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  switch (measure) {
    case 'percent':
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n)} %`;
    case 'eur':
      return new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(n);
    case 'km':
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n)} km`;
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n);
  }
}
