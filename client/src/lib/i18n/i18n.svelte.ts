import { defaultLocale, intlLocale, isLocale, localized, translate, type Locale, type MessageKey, type MessageParams } from './messages';

const storageKey = 'gis.locale';

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(storageKey);
    if (isLocale(stored)) return stored;
  } catch {
    // Storage may be disabled (private mode, sandboxed frame); Latvian then.
  }
  return defaultLocale;
}

/** The UI language: reactive, persisted in localStorage and mirrored in `<html lang>`. */
class I18n {
  locale = $state<Locale>(initialLocale());

  constructor() {
    document.documentElement.lang = this.locale;
  }

  /** BCP 47 tag for Intl formatters. */
  get intl() {
    return intlLocale[this.locale];
  }

  set(locale: Locale) {
    this.locale = locale;
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(storageKey, locale);
    } catch {
      // Not persisted; the choice still holds for this visit.
    }
  }
}

export const i18n = new I18n();

/** The message `key` in the current UI language (reactive in templates and effects). */
export const t = (key: MessageKey, params?: MessageParams) => translate(i18n.locale, key, params);

/** A {lv, en, uk} text from the API in the current UI language. */
export const tr = (text: Partial<Record<Locale, string>> | undefined | null) => localized(text, i18n.locale);
