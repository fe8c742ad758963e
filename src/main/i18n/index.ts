/**
 * `t(key, values)`: a string of the main process in the user's language. English (en.ts) is the only catalogue
 * today; it is also what a missing key of another catalogue falls back to. The renderer has its own catalogue
 * (src/renderer/i18n, i18next); main's few strings need no library.
 */
import { en } from './en';

export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, values?: Readonly<Record<string, string>>) => string;

/** `{{name}}` in `text` replaced by `values.name`; a name without a value stays as written. */
export function interpolate(text: string, values: Readonly<Record<string, string>> = {}): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] ?? whole) : whole));
}

export const t: Translate = (key, values) => interpolate(en[key], values);
