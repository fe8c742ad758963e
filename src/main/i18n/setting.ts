/**
 * The language chosen in View → Language, kept in `language.json` under `app.getPath('userData')` ({"language":"zh-CN"})
 * and read at start. A missing or unreadable file, or a language main does not know, means English.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../files';
import { isMainLanguage, type MainLanguage } from './index';

export function readLanguage(file: string): MainLanguage {
  try {
    const value = (JSON.parse(readFileSync(file, 'utf8')) as { language?: unknown } | null)?.language;
    return isMainLanguage(value) ? value : 'en';
  } catch {
    return 'en';
  }
}

export function writeLanguage(file: string, language: MainLanguage): void {
  try {
    writeFileAtomicSync(file, `${JSON.stringify({ language })}\n`);
  } catch {
    // the choice still holds for this run
  }
}
