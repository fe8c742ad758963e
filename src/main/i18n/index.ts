/**
 * `t(key, values)`: a string of the main process in the user's language (`setLanguage`; View → Language). English
 * (en.ts) is the source; zh-CN.ts has the same keys (a TypeScript error otherwise). The renderer has its own
 * catalogue (src/renderer/i18n, i18next); main's few strings need no library.
 */
import { en } from './en';
import { zhCN } from './zh-CN';

/** The languages main can speak, as the renderer names them (src/renderer/i18n LANGUAGES). */
export const MAIN_LANGUAGES = { en, 'zh-CN': zhCN } as const;
export type MainLanguage = keyof typeof MAIN_LANGUAGES;

export function isMainLanguage(value: unknown): value is MainLanguage {
  return typeof value === 'string' && Object.hasOwn(MAIN_LANGUAGES, value);
}

let current: MainLanguage = 'en';

/** Speak `language` from now on (the menu is rebuilt by the caller). */
export function setLanguage(language: MainLanguage): void {
  current = language;
}

export function language(): MainLanguage {
  return current;
}

export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, values?: Readonly<Record<string, string>>) => string;

/** `{{name}}` in `text` replaced by `values.name`; a name without a value stays as written. */
export function interpolate(text: string, values: Readonly<Record<string, string>> = {}): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] ?? whole) : whole));
}

export const t: Translate = (key, values) => interpolate((MAIN_LANGUAGES[current] as Record<MessageKey, string>)[key] ?? en[key], values);
