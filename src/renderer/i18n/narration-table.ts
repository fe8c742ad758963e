/** The pure part of translated narration (src/renderer/i18n/narration.ts): parsing the files and matching notes. */
import { parse } from 'yaml';

export interface NoteTranslation {
  readonly en: string;
  readonly text: string;
}

const CJK = '\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef';
const FOLDED = new RegExp(`([${CJK}])\\s+(?=[${CJK}])`, 'g');

/**
 * A translation as written in YAML, as it should read: a folded block (`>-`) joins its lines with a space, which
 * Chinese does not put between two of its characters or punctuation marks (between Chinese and Latin it stays).
 */
export function unfold(text: string): string {
  return text.trim().replace(FOLDED, '$1');
}

/** A note as the engine reports it and as a table is keyed: runs of white space as one space. */
export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The `note:` texts of a scenario's steps, in order. */
export function scenarioNotes(source: string): string[] {
  const doc = parse(source) as { steps?: unknown[] } | null;
  return (doc?.steps ?? []).flatMap((s) => (s !== null && typeof s === 'object' && typeof (s as { note?: unknown }).note === 'string' ? [(s as { note: string }).note] : []));
}

/** A translation file's entries. */
export function parseNoteTranslations(source: string): NoteTranslation[] {
  const doc = parse(source) as { notes?: { en?: unknown; zh?: unknown; text?: unknown }[] } | null;
  return (doc?.notes ?? []).map((n) => ({ en: String(n.en ?? ''), text: unfold(String(n.zh ?? n.text ?? '')) }));
}

/**
 * English note (normalised) → its translation, for one scenario: entry i translates note i while its `en` is still the
 * beginning of note i (a changed note falls back to English rather than showing another note's translation).
 */
export function noteTable(notes: readonly string[], entries: readonly NoteTranslation[], into = new Map<string, string>()): Map<string, string> {
  notes.forEach((note, i) => {
    const entry = entries[i];
    if (entry && normalise(note).startsWith(normalise(entry.en))) into.set(normalise(note), entry.text.trim());
  });
  return into;
}

/** One stop of a translated tour: the English stop title it translates, and its title and narration. */
export interface StopTranslation {
  readonly en: string;
  readonly title: string;
  readonly narration: string;
}

export interface TourTranslation {
  /** The tour's English title, which the translation is found by. */
  readonly en: string;
  readonly title: string;
  readonly stops: readonly StopTranslation[];
}

/** A tour translation file (assets/scenarios/i18n/<language>/tours/<session>.yaml). */
export function parseTourTranslations(source: string): TourTranslation[] {
  type Raw = { en?: unknown; title?: unknown; narration?: unknown };
  const doc = parse(source) as { tours?: (Raw & { stops?: Raw[] })[] } | null;
  return (doc?.tours ?? []).map((tour) => ({
    en: String(tour.en ?? ''),
    title: unfold(String(tour.title ?? '')),
    stops: (tour.stops ?? []).map((s) => ({ en: String(s.en ?? ''), title: unfold(String(s.title ?? '')), narration: unfold(String(s.narration ?? '')) })),
  }));
}

/**
 * A tour stop as the language shows it: the translation of stop `index` of the tour titled `tourTitle` while its `en`
 * is still the stop's English title; the stop as written otherwise (a tour the user made, or one that changed).
 */
export function translateStop(
  tours: readonly TourTranslation[],
  tourTitle: string,
  index: number,
  stop: { readonly title: string; readonly narration: string },
): { title: string; narration: string } {
  const entry = tours.find((t) => t.en === tourTitle)?.stops[index];
  return entry && entry.en === stop.title ? { title: entry.title, narration: entry.narration } : { title: stop.title, narration: stop.narration };
}

/** A scenario's name or description in another language, with the English it translates (`en`: the name, or the
 *  description's first words). */
export interface TextTranslation {
  readonly en: string;
  readonly text: string;
}

/** The `name:` and `description:` of a scenario translation file; absent where the file has none. */
export function parseScenarioTexts(source: string): { name?: TextTranslation; description?: TextTranslation } {
  type Raw = { en?: unknown; zh?: unknown; text?: unknown } | undefined;
  const doc = parse(source) as { name?: Raw; description?: Raw } | null;
  const one = (raw: Raw): TextTranslation | undefined =>
    raw && typeof raw === 'object' ? { en: String(raw.en ?? ''), text: unfold(String(raw.zh ?? raw.text ?? '')) } : undefined;
  const name = one(doc?.name);
  const description = one(doc?.description);
  return { ...(name ? { name } : {}), ...(description ? { description } : {}) };
}

/** `english` in translation, when `entry` translates it: a name exactly, a description by its first words. */
export function translateText(entry: TextTranslation | undefined, english: string): string {
  return entry && entry.text && normalise(english).startsWith(normalise(entry.en)) && entry.en.trim() !== '' ? entry.text : english;
}
