import { describe, expect, it } from 'vitest';
import { catalogs, locales, localized, translate, type MessageKey } from '../../client/src/lib/i18n/messages.js';

describe('messages', () => {
  it('writes Latvian plurals right: 0 objektu, 1 objekts, 2 objekti, 21 objekts', () => {
    const n = (count: number) => translate('lv', 'count.features', { count });
    expect(n(0)).toBe('0 objektu');
    expect(n(1)).toBe('1 objekts');
    expect(n(2)).toBe('2 objekti');
    expect(n(10)).toBe('10 objektu');
    expect(n(11)).toBe('11 objektu');
    expect(n(21)).toBe('21 objekts');
    expect(n(22)).toBe('22 objekti');
    expect(n(12345)).toBe('12\u00a0345 objekti');
  });

  it('writes English and Ukrainian plurals right', () => {
    expect(translate('en', 'count.features', { count: 1 })).toBe('1 feature');
    expect(translate('en', 'count.features', { count: 0 })).toBe('0 features');
    expect(translate('uk', 'count.features', { count: 1 })).toBe('1 об’єкт');
    expect(translate('uk', 'count.features', { count: 3 })).toBe('3 об’єкти');
    expect(translate('uk', 'count.features', { count: 5 })).toBe('5 об’єктів');
    expect(translate('uk', 'count.features', { count: 1.5 })).toBe('1,5 об’єкта');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'table.range', { from: 1, to: 50, total: '1,234' })).toBe('1–50 of 1,234');
    expect(translate('lv', 'layer.minZoom', {})).toBe('Redzams no tālummaiņas {zoom}');
  });

  it('has every message in every language, with the same placeholders', () => {
    const placeholders = (m: unknown) => [...new Set(JSON.stringify(m).match(/\{\w+\}/g) ?? [])].sort();
    const keys = Object.keys(catalogs.lv) as MessageKey[];
    for (const locale of locales) {
      expect(Object.keys(catalogs[locale]).sort(), locale).toEqual([...keys].sort());
      for (const key of keys) {
        expect(placeholders(catalogs[locale][key]), `${locale} ${key}`).toEqual(placeholders(catalogs.lv[key]));
      }
    }
  });

  it('has the plural forms each language needs', () => {
    const categories = (locale: string) => new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (const locale of locales) {
      for (const [key, message] of Object.entries(catalogs[locale])) {
        if (typeof message === 'string') continue;
        for (const category of categories(locale)) expect(message, `${locale} ${key} ${category}`).toHaveProperty(category);
      }
    }
  });

  it('picks API texts in the UI language, falling back to Latvian', () => {
    expect(localized({ lv: 'Skolas', en: 'Schools' }, 'en')).toBe('Schools');
    expect(localized({ lv: 'Skolas' }, 'uk')).toBe('Skolas');
    expect(localized(null, 'lv')).toBe('');
  });
});
