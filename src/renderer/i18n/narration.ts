/**
 * Translated narration of the built-in scenarios, without copying the scenarios: for each language,
 * assets/scenarios/i18n/<language>/<scenario>.yaml lists one entry per `note:` step of the scenario, in order, each
 * with the English note's first words (`en`, so a changed or moved note is caught by
 * test/renderer/i18n-narration.test.ts) and its translation. The narration panel shows the translation of the note at
 * the cursor when the UI's language has one, and the scenario's own words otherwise (a scenario the user wrote).
 */
import { BUILTIN_SCENARIOS } from '../scenarios';
import { noteTable, normalise, parseNoteTranslations, scenarioNotes, type NoteTranslation } from './narration-table';

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

/** The note in `language`, or the note as written when it has no translation. */
export function translateNote(note: string, language: string): string {
  if (language === 'en') return note;
  return table(language).get(normalise(note)) ?? note;
}
