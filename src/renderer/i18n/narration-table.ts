/** The pure part of translated narration (src/renderer/i18n/narration.ts): parsing the files and matching notes. */
import { parse } from 'yaml';

export interface NoteTranslation {
  readonly en: string;
  readonly text: string;
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
  return (doc?.notes ?? []).map((n) => ({ en: String(n.en ?? ''), text: String(n.zh ?? n.text ?? '') }));
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
