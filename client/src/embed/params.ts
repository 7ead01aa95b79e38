import type { Locale } from '../lib/i18n/messages';

/** The embed's query: `?m=<municipality code>&lang=uk|lv|en` (Ukrainian unless asked otherwise). */
export interface EmbedParams {
  municipality: string | null;
  lang: Locale;
}

/**
 * Reads the embed's query string; unknown languages fall back to Ukrainian, a malformed code to none.
 * @example embedParams('?m=marupe&lang=lv') // { municipality: 'marupe', lang: 'lv' }
 */
export function embedParams(search: string): EmbedParams {
  const q = new URLSearchParams(search);
  const lang = q.get('lang');
  const m = q.get('m');
  return {
    municipality: m && /^[a-z0-9-]{1,40}$/.test(m) ? m : null,
    lang: lang === 'lv' || lang === 'en' || lang === 'uk' ? lang : 'uk',
  };
}
