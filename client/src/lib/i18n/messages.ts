import enCore from './en.json';
import lvCore from './lv.json';
import ukCore from './uk.json';
// Each page that brings many messages keeps them beside its components, in `messages.<locale>.json`
// with keys prefixed by the page ("admin.…", "workflow.…"); add its three files here.
import adminEn from '../admin/messages.en.json';
import adminLv from '../admin/messages.lv.json';
import adminUk from '../admin/messages.uk.json';
import workflowsEn from '../workflows/messages.en.json';
import workflowsLv from '../workflows/messages.lv.json';
import workflowsUk from '../workflows/messages.uk.json';
import dashboardsEn from '../dashboards/messages.en.json';
import dashboardsLv from '../dashboards/messages.lv.json';
import dashboardsUk from '../dashboards/messages.uk.json';
import analysisEn from '../analysis/messages.en.json';
import analysisLv from '../analysis/messages.lv.json';
import analysisUk from '../analysis/messages.uk.json';
import uploadsLv from '../uploads/messages.lv.json';
import uploadsUk from '../uploads/messages.uk.json';
// The server words upload problems in English from its own catalog; the Data page takes those as they are.
import { problemMessages } from '../../../../server/src/uploads/problemMessages';

const uploadsEn = Object.fromEntries(Object.entries(problemMessages).map(([code, text]) => [`upload.problem.${code}`, text]));

const lv = { ...lvCore, ...adminLv, ...workflowsLv, ...dashboardsLv, ...analysisLv, ...uploadsLv };
const en = { ...enCore, ...adminEn, ...workflowsEn, ...dashboardsEn, ...analysisEn, ...uploadsEn };
const uk = { ...ukCore, ...adminUk, ...workflowsUk, ...dashboardsUk, ...analysisUk, ...uploadsUk };

/** The UI languages, Latvian first. */
export const locales = ['lv', 'en', 'uk'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'lv';

/** BCP 47 tags for Intl: numbers, dates and plural rules follow the country's conventions. */
export const intlLocale: Record<Locale, string> = { lv: 'lv-LV', en: 'en-GB', uk: 'uk-UA' };

/** A message is a text with `{name}` placeholders, or plural forms keyed by Intl.PluralRules categories. */
type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
type Message = string | PluralForms;

/** Every message key; the Latvian file is the reference. */
export type MessageKey = keyof typeof lv;
export type MessageParams = Record<string, string | number>;

export const catalogs: Record<Locale, Record<MessageKey, Message>> = { lv, en: en as Record<MessageKey, Message>, uk: uk as Record<MessageKey, Message> };

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (locales as readonly string[]).includes(value);

const pluralRules = new Map<Locale, Intl.PluralRules>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

function pluralRule(locale: Locale) {
  let rule = pluralRules.get(locale);
  if (!rule) pluralRules.set(locale, (rule = new Intl.PluralRules(intlLocale[locale])));
  return rule;
}

/** Formats a count as the locale writes it ("12 345" in Latvian, "12,345" in English). */
export function formatCount(locale: Locale, n: number): string {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(intlLocale[locale])));
  return format.format(n);
}

/**
 * The message `key` in `locale` with its placeholders filled. Plural messages pick their form by
 * `params.count` with Intl.PluralRules (Latvian: 0 objektu, 1 objekts, 2 objekti, 21 objekts).
 * A key missing in a translation falls back to Latvian, then to the key itself.
 * @example translate('lv', 'count.features', { count: 2 }) // "2 objekti"
 */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const message: Message | undefined = catalogs[locale][key] ?? catalogs[defaultLocale][key];
  if (message === undefined) return key;
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const count = Number(params.count ?? 0);
    text = message[pluralRule(locale).select(count)] ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return name === 'count' && typeof value === 'number' ? formatCount(locale, value) : String(value);
  });
}

/** A localized text from the API ({lv, en?, uk?}) in the UI language, falling back to Latvian. */
export function localized(text: Partial<Record<Locale, string>> | undefined | null, locale: Locale): string {
  if (!text) return '';
  return text[locale] || text.lv || text.en || text.uk || '';
}
