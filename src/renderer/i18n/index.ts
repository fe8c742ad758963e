/**
 * The message catalogue: every user-visible string of the app goes through i18next, one
 * namespace per part of the UI (i18n/<language>/<namespace>.ts). English is the source
 * language; a translation provides the same namespaces with the same keys (a test
 * compares them). Strings from the engine (transition texts, pseudo-code, diagnostics)
 * are the model's own words and are not translated here.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en/index';
import { zhCN } from './zh-CN/index';

/** The languages of the UI, each named in itself (what the language menu shows). */
export const LANGUAGES = { en: 'English', 'zh-CN': '简体中文' } as const;
export type Language = keyof typeof LANGUAGES;
export const NAMESPACES = Object.keys(en) as (keyof typeof en)[];

/** Where the web build (and the Electron renderer) remembers the chosen language. */
export const LANGUAGE_STORAGE_KEY = 'uvmscope.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && Object.hasOwn(LANGUAGES, value);
}

/** The remembered language; English when none was chosen (or storage is unavailable). */
export function storedLanguage(): Language {
  try {
    const value = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : 'en';
  } catch {
    return 'en';
  }
}

function applyToDocument(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** Switch the UI's language, remember it, and let `<html lang>` follow (fonts and line breaking use it). */
export function setLanguage(language: Language): void {
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // storage unavailable (a private window): the choice lasts this session only
  }
  applyToDocument(language);
  void i18next.changeLanguage(language);
}

/** The UI's language now. */
export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

const initial = storedLanguage();
applyToDocument(initial);

void i18next.use(initReactI18next).init({
  lng: initial,
  fallbackLng: 'en',
  resources: { en, 'zh-CN': zhCN },
  ns: NAMESPACES,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  // a key missing from the catalogue is a bug: say so loudly (the browser tests fail on it)
  saveMissing: true,
  missingKeyHandler: (_languages, namespace, key) => console.error(`[i18n] missing key ${namespace}:${key}`),
  returnNull: false,
  initAsync: false,
});

export const i18n = i18next;
