import type { LocalizedText } from '../layers/types.js';
import type { IndicatorResult } from './types.js';

type Lang = 'lv' | 'en' | 'uk';
const text = (t: LocalizedText, lang: Lang) => t[lang] ?? t.lv;

const labelColumns: Record<IndicatorResult['kind'], { name: string; title: LocalizedText }[]> = {
  kpi: [],
  series: [{ name: 'period', title: { lv: 'Periods', en: 'Period', uk: 'Період' } }],
  categories: [{ name: 'category', title: { lv: 'Kategorija', en: 'Category', uk: 'Категорія' } }],
  units: [{ name: 'name', title: { lv: 'Teritoriālā vienība', en: 'Territorial unit', uk: 'Територіальна одиниця' } }],
  table: [],
};
/** The row of a `units` indicator for what lies in none of its units (unit_id null). */
const outsideTitle: LocalizedText = { lv: 'Ārpus apdzīvotām vietām', en: 'Outside any settlement', uk: 'Поза населеними пунктами' };
const outsideParishTitle: LocalizedText = { lv: 'Ārpus pagastiem un pilsētām', en: 'Outside any parish or town', uk: 'Поза волостями та містами' };
const suppressedTitle: LocalizedText = { lv: 'Slēpts (mazs skaits)', en: 'Suppressed (small count)', uk: 'Приховано (мала кількість)' };

/**
 * An indicator's rows as CSV cells, header first, titles in the chosen language: labels (unit,
 * category with its title, period), then a table's titled fields, then the indicator's columns.
 * Suppressed numbers stay empty, with a column saying so.
 */
export function indicatorCsvRows(indicator: IndicatorResult, lang: Lang): (string | number | null)[][] {
  const labels = labelColumns[indicator.kind];
  const numeric = indicator.columns.map((c) => c.name);
  const extra = indicator.fields ?? [];
  const header = [
    ...labels.map((l) => text(l.title, lang)),
    ...extra.map((f) => text(f.title, lang)),
    ...indicator.columns.map((c) => text(c.title, lang)),
    ...(indicator.suppressed ? [text(suppressedTitle, lang)] : []),
  ];
  const body = indicator.rows.map((row, i) => [
    ...labels.map((l) => {
      const value = row[l.name];
      if (indicator.kind === 'units' && l.name === 'name' && row.unit_id === null) {
        return text(indicator.unitKind === 'parish' ? outsideParishTitle : outsideTitle, lang);
      }
      const title = l.name === 'category' && typeof value === 'string' ? indicator.categories?.[value] : undefined;
      return title ? text(title, lang) : value;
    }),
    ...extra.map((f) => {
      const value = row[f.name];
      const title = f.name === 'status' && typeof value === 'string' ? indicator.categories?.[value] : undefined;
      return title ? text(title, lang) : value;
    }),
    ...numeric.map((k) => row[k]),
    ...(indicator.suppressed ? [indicator.suppressed[i] ? 'true' : 'false'] : []),
  ]);
  return [header, ...body];
}
