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
import type { TextTranslation, TourTranslation } from './narration-table';

/**
 * The translation files, each a chunk loaded with its language (loadNarration), and the code that reads them (it
 * needs a YAML parser): a UI in English loads neither. Until a language is loaded its lookups answer the text as
 * written.
 */
const noteFiles = import.meta.glob('../../../assets/scenarios/i18n/*/*.yaml', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;
const tourFiles = import.meta.glob('../../../assets/scenarios/i18n/*/tours/*.yaml', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;

type TableModule = typeof import('./narration-table');

/** A loaded language: its lookups, built once from its files. */
interface Loaded {
  readonly lib: TableModule;
  /** English note (normalised) → its translation, over every built-in scenario translated. */
  readonly notes: ReadonlyMap<string, string>;
  readonly tours: readonly TourTranslation[];
  /** Scenario file → its translated name and description. */
  readonly texts: ReadonlyMap<string, { name?: TextTranslation; description?: TextTranslation }>;
}

const loaded = new Map<string, Loaded>();

/** Every translation file of `language` as path → loader; `depth` 2 for scenario files, 3 for tours. */
function filesOf(all: Record<string, () => Promise<string>>, language: string, depth: number): [string, () => Promise<string>][] {
  return Object.entries(all).filter(([path]) => {
    const parts = path.split('/');
    return parts[parts.length - depth] === language;
  });
}

/** Load `language`'s narration, scenario texts and tours (once; English needs nothing). */
export async function loadNarration(language: string): Promise<void> {
  if (language === 'en' || loaded.has(language)) return;
  const [lib, files, tours] = await Promise.all([
    import('./narration-table'),
    Promise.all(filesOf(noteFiles, language, 2).map(async ([path, load]) => [path.split('/').pop()!, await load()] as const)),
    Promise.all(filesOf(tourFiles, language, 3).map(([, load]) => load())),
  ]);
  const notes = new Map<string, string>();
  const texts = new Map<string, { name?: TextTranslation; description?: TextTranslation }>();
  for (const [file, source] of files) {
    texts.set(file, lib.parseScenarioTexts(source));
    const english = BUILTIN_SCENARIOS.find((b) => b.file === file)?.source;
    if (english !== undefined) lib.noteTable(lib.scenarioNotes(english), lib.parseNoteTranslations(source), notes);
  }
  loaded.set(language, { lib, notes, tours: tours.flatMap((source) => lib.parseTourTranslations(source)), texts });
}

/** How much of a translated note a shortened one (the op list's label, cut with "…") shows. */
const SHORT_NOTE = 48;

/**
 * The note in `language`, or the note as written when it has no translation. A note cut short with "…" (the op
 * list's label) is found by its beginning and comes back cut short too.
 */
export function translateNote(note: string, language: string): string {
  const l = language === 'en' ? undefined : loaded.get(language);
  if (!l) return note;
  const { notes: map, lib } = l;
  const normalise = lib.normalise;
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

/** A tour's title in `language`, or as written. */
export function translateTourTitle(title: string, language: string): string {
  return loaded.get(language)?.tours.find((t) => t.en === title)?.title || title;
}

/** Stop `index` of the tour titled `tourTitle` in `language`, or as written. */
export function translateTourStop(tourTitle: string, index: number, stop: { readonly title: string; readonly narration: string }, language: string): { title: string; narration: string } {
  const l = loaded.get(language);
  return l ? l.lib.translateStop(l.tours, tourTitle, index, stop) : { title: stop.title, narration: stop.narration };
}

/** A built-in scenario's name (`field` 'name') or description in `language`, or as written. `file` is the scenario's
 *  file name (`default.yaml`); the English must still be what the translation translates. */
export function translateScenarioText(file: string | null | undefined, field: 'name' | 'description', english: string, language: string): string {
  if (language === 'en' || !file) return english;
  const l = loaded.get(language);
  const texts = l?.texts.get(file);
  return l && texts ? l.lib.translateText(texts[field], english) : english;
}
