/**
 * Translated narration of the built-in scenarios, without copying the scenarios: for each language,
 * assets/scenarios/i18n/<language>/<scenario>.yaml lists one entry per `note:` step of the scenario, in order, each
 * with the English note's first words (`en`, so a changed or moved note is caught by
 * test/renderer/i18n-narration.test.ts) and its translation. The narration panel shows the translation of the note at
 * the cursor when the UI's language has one, and the scenario's own words otherwise (a scenario the user wrote).
 * The example sessions' guided tours likewise: assets/scenarios/i18n/<language>/tours/<session>.yaml gives each tour's
 * title and its stops' titles and narration, found by the tour's English title and each stop's.
 */
import { BUILTIN_SCENARIOS } from '../scenarios';
import {
  noteTable,
  normalise,
  parseNoteTranslations,
  parseScenarioTexts,
  parseTourTranslations,
  scenarioNotes,
  translateStop,
  translateText,
  type NoteTranslation,
  type TourTranslation,
} from './narration-table';

const files = import.meta.glob('../../../assets/scenarios/i18n/*/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Every translation file: language → scenario file (`default.yaml`) → entries. */
export const NOTE_TRANSLATIONS: ReadonlyMap<string, ReadonlyMap<string, NoteTranslation[]>> = (() => {
  const out = new Map<string, Map<string, NoteTranslation[]>>();
  for (const [path, source] of Object.entries(files)) {
    const parts = path.split('/');
    const file = parts[parts.length - 1]!;
    const language = parts[parts.length - 2]!;
    if (!out.has(language)) out.set(language, new Map());
    out.get(language)!.set(file, parseNoteTranslations(source));
  }
  return out;
})();

const tables = new Map<string, Map<string, string>>();

/** English note (normalised) → its translation, over every built-in scenario translated into `language`. */
function table(language: string): Map<string, string> {
  let map = tables.get(language);
  if (map) return map;
  map = new Map();
  for (const [file, entries] of NOTE_TRANSLATIONS.get(language) ?? []) {
    const source = BUILTIN_SCENARIOS.find((b) => b.file === file)?.source;
    if (source === undefined) continue;
    noteTable(scenarioNotes(source), entries, map);
  }
  tables.set(language, map);
  return map;
}

/** How much of a translated note a shortened one (the op list's label, cut with "…") shows. */
const SHORT_NOTE = 48;

/**
 * The note in `language`, or the note as written when it has no translation. A note cut short with "…" (the op
 * list's label) is found by its beginning and comes back cut short too.
 */
export function translateNote(note: string, language: string): string {
  if (language === 'en') return note;
  const map = table(language);
  const whole = map.get(normalise(note));
  if (whole !== undefined) return whole;
  const cut = /(…|\.\.\.)$/.exec(note.trim());
  if (!cut) return note;
  const start = normalise(note.trim().slice(0, -cut[1]!.length).replace(/[,;:\s]+$/, ''));
  if (start.length < 10) return note;
  for (const [english, translated] of map) {
    if (english.startsWith(start)) return translated.length > SHORT_NOTE ? `${translated.slice(0, SHORT_NOTE)}…` : translated;
  }
  return note;
}

const tourFiles = import.meta.glob('../../../assets/scenarios/i18n/*/tours/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** language → every translated tour. */
const TOURS: ReadonlyMap<string, TourTranslation[]> = (() => {
  const out = new Map<string, TourTranslation[]>();
  for (const [path, source] of Object.entries(tourFiles)) {
    const parts = path.split('/');
    const language = parts[parts.length - 3]!;
    out.set(language, [...(out.get(language) ?? []), ...parseTourTranslations(source)]);
  }
  return out;
})();

/** A tour's title in `language`, or as written. */
export function translateTourTitle(title: string, language: string): string {
  return (TOURS.get(language) ?? []).find((t) => t.en === title)?.title || title;
}

/** Stop `index` of the tour titled `tourTitle` in `language`, or as written. */
export function translateTourStop(tourTitle: string, index: number, stop: { readonly title: string; readonly narration: string }, language: string): { title: string; narration: string } {
  return translateStop(TOURS.get(language) ?? [], tourTitle, index, stop);
}

/** A built-in scenario's name (`field` 'name') or description in `language`, or as written. `file` is the scenario's
 *  file name (`default.yaml`); the English must still be what the translation translates. */
export function translateScenarioText(file: string | null | undefined, field: 'name' | 'description', english: string, language: string): string {
  if (language === 'en' || !file) return english;
  const source = Object.entries(files).find(([path]) => path.endsWith(`/${language}/${file}`))?.[1];
  return source === undefined ? english : translateText(parseScenarioTexts(source)[field], english);
}
