/**
 * The message catalogue: every user-visible string of the app goes through i18next, one
 * namespace per part of the UI (i18n/<language>/<namespace>.ts). English is the source
 * language; a translation provides the same namespaces with the same keys (a test
 * compares them). Strings from the engine (transition texts, pseudo-code, diagnostics)
 * are the model's own words and are not translated here.
 *
 * Only English is in the start-up bundle: a translation (its catalogue and its narration of the built-in scenarios,
 * ~150 kB) is a separate chunk loaded when it is chosen, and before the first render when it was the remembered
 * choice (`i18nReady`, which main.tsx awaits).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en/index';
import { loadNarration } from './narration';

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

/** Each translation's catalogue, as a chunk of its own. */
const CATALOGUES: Readonly<Record<Exclude<Language, 'en'>, () => Promise<Record<string, object>>>> = {
  'zh-CN': () => import('./zh-CN/index').then((m) => m.zhCN),
};

const loading = new Map<Language, Promise<void>>();

/** Load a language's catalogue and narration once (English is always there); later calls share the first load. */
export function loadLanguage(language: Language): Promise<void> {
  if (language === 'en') return Promise.resolve();
  let done = loading.get(language);
  if (!done) {
    done = Promise.all([CATALOGUES[language](), loadNarration(language)]).then(([catalogue]) => {
      for (const [namespace, resources] of Object.entries(catalogue)) i18next.addResourceBundle(language, namespace, resources, true, true);
    });
    // a failed load (a chunk the server lost) may be tried again on the next choice
    done.catch(() => loading.delete(language));
    loading.set(language, done);
  }
  return done;
}

/**
 * Switch the UI's language, remember it, and let `<html lang>` follow (fonts and line breaking use it). The switch
 * happens once the language is loaded, so no part of the UI shows a mix; a language that fails to load leaves the UI
 * as it was and says so in the console.
 */
export async function setLanguage(language: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // storage unavailable (a private window): the choice lasts this session only
  }
  await switchTo(language);
}

async function switchTo(language: Language): Promise<void> {
  try {
    await loadLanguage(language);
  } catch (error) {
    console.error(`[i18n] could not load ${language}:`, error);
    return;
  }
  applyToDocument(language);
  await i18next.changeLanguage(language);
}

/** The UI's language now. */
export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

void i18next.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en },
  // bundles added later (loadLanguage) count as a language i18next has
  partialBundledLanguages: true,
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

/** Settles once the remembered language is loaded and chosen: render after it, so the first frame is in that language. */
export const i18nReady: Promise<void> = switchTo(storedLanguage());
