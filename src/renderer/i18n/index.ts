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

export const LANGUAGES = { en: 'English' } as const;
export type Language = keyof typeof LANGUAGES;
export const NAMESPACES = Object.keys(en) as (keyof typeof en)[];

void i18next.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en },
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
