/**
 * The built-in scenarios' narration in Simplified Chinese (assets/scenarios/i18n/zh-CN): every note of a translated
 * scenario has its translation, in order, and no file has a stale or extra entry. The scenarios not yet translated
 * are listed here, explicitly: translating one means removing it from the list (the test then demands the file).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noteTable, normalise, parseNoteTranslations, parseScenarioTexts, parseTourTranslations, scenarioNotes, translateStop, translateText } from '../../src/renderer/i18n/narration-table';
import { parse } from 'yaml';

const SCENARIOS = join(__dirname, '../../assets/scenarios');
const BUILTIN_SCENARIOS = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .map((file) => ({ file, source: readFileSync(join(SCENARIOS, file), 'utf8') }));
const languageDir = (language: string) => join(SCENARIOS, 'i18n', language);
const NOTE_TRANSLATIONS = new Map(
  ['zh-CN'].map((language) => [
    language,
    new Map(existsSync(languageDir(language)) ? readdirSync(languageDir(language)).filter((f) => f.endsWith('.yaml')).map((f) => [f, parseNoteTranslations(readFileSync(join(languageDir(language), f), 'utf8'))] as const) : []),
  ]),
);
/** The lookup the narration panel does (src/renderer/i18n/narration.ts), over the files on disk. */
function translateNote(note: string, language: string): string {
  if (language === 'en') return note;
  const table = new Map<string, string>();
  for (const [file, entries] of NOTE_TRANSLATIONS.get(language) ?? []) {
    const source = BUILTIN_SCENARIOS.find((b) => b.file === file)?.source;
    if (source !== undefined) noteTable(scenarioNotes(source), entries, table);
  }
  return table.get(normalise(note)) ?? note;
}

const NOT_YET_TRANSLATED: Record<string, readonly string[]> = {
  'zh-CN': [],
};

describe.each(Object.entries(NOT_YET_TRANSLATED))('narration in %s', (language, untranslated) => {
  const files = NOTE_TRANSLATIONS.get(language) ?? new Map();

  it('has a file for every built-in scenario not listed as untranslated, and none for the listed ones', () => {
    const want = BUILTIN_SCENARIOS.map((b) => b.file).filter((f) => !untranslated.includes(f)).sort();
    expect([...files.keys()].sort()).toEqual(want);
    for (const f of untranslated) expect(BUILTIN_SCENARIOS.some((b) => b.file === f), `${f} is not a built-in scenario`).toBe(true);
  });

  it.each(BUILTIN_SCENARIOS.map((b) => b.file).filter((f) => !untranslated.includes(f)))('%s: one entry per note, in order, none stale', (file) => {
    const notes = scenarioNotes(BUILTIN_SCENARIOS.find((b) => b.file === file)!.source);
    const entries = files.get(file) ?? [];
    expect(entries.length, 'entries against notes').toBe(notes.length);
    notes.forEach((note, i) => {
      const entry = entries[i]!;
      expect(entry.en.length, `entry ${i}'s en`).toBeGreaterThan(10);
      expect(normalise(note).startsWith(normalise(entry.en)), `entry ${i} (“${entry.en}”) is not note ${i} (“${note.slice(0, 60)}…”)`).toBe(true);
      expect(entry.text.trim()).not.toBe('');
      expect(entry.text, `entry ${i} is still English`).toMatch(/[\u4e00-\u9fff]/);
      expect(translateNote(note, language)).toBe(entry.text.trim());
    });
  });

  it('leaves a note it has no translation for as written, and English untouched', () => {
    expect(translateNote('A note the user wrote.', language)).toBe('A note the user wrote.');
    const note = scenarioNotes(BUILTIN_SCENARIOS.find((b) => b.file === 'default.yaml')!.source)[0]!;
    expect(translateNote(note, 'en')).toBe(note);
  });
});

/** The example sessions' guided tours (assets/sessions/*.uvmsession) not yet translated, per language: explicit. */
const TOURS_NOT_YET_TRANSLATED: Record<string, readonly string[]> = {
  'zh-CN': [],
};
const SESSIONS = join(__dirname, '../../assets/sessions');
interface Tour {
  readonly title: string;
  readonly stops: readonly { readonly title: string; readonly narration: string }[];
}
const sessionTours = (file: string) => (JSON.parse(readFileSync(join(SESSIONS, file), 'utf8')) as { tours?: Tour[] }).tours ?? [];

describe.each(Object.entries(TOURS_NOT_YET_TRANSLATED))('guided tours in %s', (language, untranslated) => {
  const dir = join(languageDir(language), 'tours');
  const files = existsSync(dir) ? readdirSync(dir) : [];
  const sessions = readdirSync(SESSIONS).filter((f) => f.endsWith('.uvmsession'));

  it('has a file for every example session not listed as untranslated, and none for the listed ones', () => {
    expect(files.map((f) => f.replace(/\.yaml$/, '.uvmsession')).sort()).toEqual(sessions.filter((f) => !untranslated.includes(f)).sort());
    for (const f of untranslated) expect(sessions, `${f} is not an example session`).toContain(f);
  });

  it.each(sessions.filter((f) => !untranslated.includes(f)))('%s: every tour and every stop, in order, none stale', (session) => {
    const translated = parseTourTranslations(readFileSync(join(dir, session.replace(/\.uvmsession$/, '.yaml')), 'utf8'));
    const tours = sessionTours(session);
    expect(translated.map((t) => t.en)).toEqual(tours.map((t) => t.title));
    tours.forEach((tour, i) => {
      const entry = translated[i]!;
      expect(entry.title, `tour ${i}'s title`).toMatch(/[\u4e00-\u9fff]/);
      expect(entry.stops.map((s) => s.en), `tour ${i}'s stops`).toEqual(tour.stops.map((s) => s.title));
      tour.stops.forEach((stop, j) => {
        const shown = translateStop(translated, tour.title, j, stop);
        expect(shown.narration, `stop ${j}'s narration`).toMatch(/[\u4e00-\u9fff]/);
        expect(shown.title.trim(), `stop ${j}'s title`).not.toBe('');
      });
    });
  });

  it('shows a stop it has no translation for as written', () => {
    const stop = { title: 'My stop', narration: 'My words.' };
    expect(translateStop([], 'My tour', 0, stop)).toEqual(stop);
  });
});

/** Built-in scenarios whose name and description are not yet translated, per language: explicit. */
const TEXTS_NOT_YET_TRANSLATED: Record<string, readonly string[]> = {
  'zh-CN': [],
};

describe.each(Object.entries(TEXTS_NOT_YET_TRANSLATED))('scenario names and descriptions in %s', (language, untranslated) => {
  it.each(BUILTIN_SCENARIOS.map((b) => b.file))('%s', (file) => {
    const path = join(languageDir(language), file);
    const texts = existsSync(path) ? parseScenarioTexts(readFileSync(path, 'utf8')) : {};
    const doc = parse(BUILTIN_SCENARIOS.find((b) => b.file === file)!.source) as { name: string; description: string };
    if (untranslated.includes(file)) {
      expect(texts, 'translated: take it off the list').toEqual({});
      return;
    }
    expect(texts.name?.en, 'name.en is the English name').toBe(doc.name);
    expect(translateText(texts.name, doc.name)).toMatch(/[\u4e00-\u9fff]/);
    expect(normalise(doc.description).startsWith(normalise(texts.description?.en ?? '')), 'description.en begins the English description').toBe(true);
    expect(texts.description!.en.length).toBeGreaterThan(10);
    expect(translateText(texts.description, doc.description)).toMatch(/[\u4e00-\u9fff]/);
    expect(translateText(texts.description, 'Another description.')).toBe('Another description.');
  });
});
