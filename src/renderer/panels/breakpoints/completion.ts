/**
 * Completion for the breakpoint box: what fits the word at the caret, given the spec syntax of
 * src/engine/run/breakpoints.ts —
 *   <kind> [if <condition>]   |   * [if …]   |   line <function>[:<label>] [if …]   |   watch block <n> [<field>] [if …]   |   watch heap <name> [if …]
 * — from the run's kind and function names and the host's breakpoint vocabulary (condition fields per kind). Pure:
 * no React, no DOM.
 */
import type { BreakpointFieldsResult } from '../../../protocol';

export type SuggestionHint = 'kind' | 'function' | 'field' | 'keyword' | 'label' | 'heap';

export interface Suggestion {
  /** The text that replaces the word at the caret. */
  readonly text: string;
  readonly hint: SuggestionHint;
}

export interface Completion {
  /** The word being completed: [from, to) of the text. */
  readonly from: number;
  readonly to: number;
  readonly items: readonly Suggestion[];
}

export interface Vocabulary {
  readonly kinds: readonly string[];
  /** Function name → its line labels. */
  readonly functions: Readonly<Record<string, { readonly labels: readonly string[] }>>;
  readonly fields: BreakpointFieldsResult | null;
}

const WORD = /[A-Za-z0-9_.*:]/;
const MAX_ITEMS = 12;

/** Words of a condition that are not fields. */
const CONDITION_WORDS = new Set(['if', 'in', 'true', 'false']);

function rank(candidates: readonly string[], word: string, hint: SuggestionHint): Suggestion[] {
  const w = word.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const c of candidates) {
    const l = c.toLowerCase();
    if (l === w) continue;
    if (l.startsWith(w)) starts.push(c);
    else if (w.length >= 2 && l.includes(w)) contains.push(c);
  }
  return [...starts, ...contains].map((text) => ({ text, hint }));
}

/** Suggestions for the word that ends at `caret` (nothing inside a quoted string or after a number). */
export function complete(text: string, caret: number, vocab: Vocabulary): Completion {
  let from = caret;
  while (from > 0 && WORD.test(text[from - 1])) from--;
  let to = caret;
  while (to < text.length && WORD.test(text[to])) to++;
  const word = text.slice(from, caret);
  const none: Completion = { from, to, items: [] };
  const before = text.slice(0, from);
  // inside a string literal: an odd number of quotes before the word
  if ((before.match(/['"]/g)?.length ?? 0) % 2 === 1) return none;
  if (/^\d/.test(word)) return none;

  const words = before.trim() ? before.trim().split(/\s+/) : [];
  const head = words[0];
  const ifAt = words.indexOf('if');
  const fields = vocab.fields;

  // the condition: fields of what the breakpoint matches
  if (ifAt >= 0) {
    if (!word) return none;
    let list: readonly string[] = [];
    if (head === 'line') list = fields?.line ?? [];
    else if (head === 'watch') list = fields?.watch ?? [];
    else if (head) list = fields?.byKind[head] ?? fields?.byKind['*'] ?? [];
    return { from, to, items: rank(list.filter((f) => !CONDITION_WORDS.has(f)), word, 'field').slice(0, MAX_ITEMS) };
  }

  // the first word: a kind, `*`, or a keyword
  if (words.length === 0) {
    const items = [...rank(['line', 'watch'], word, 'keyword'), ...rank(vocab.kinds, word, 'kind')];
    return { from, to, items: items.slice(0, MAX_ITEMS) };
  }

  if (head === 'line') {
    if (words.length !== 1) return { from, to, items: rank(['if'], word, 'keyword') };
    const colon = word.indexOf(':');
    if (colon >= 0) {
      const fn = word.slice(0, colon);
      const labels = vocab.functions[fn]?.labels.filter((l) => l) ?? [];
      return { from, to, items: rank([...new Set(labels)].map((l) => `${fn}:${l}`), word, 'label').slice(0, MAX_ITEMS) };
    }
    return { from, to, items: rank(Object.keys(vocab.functions), word, 'function').slice(0, MAX_ITEMS) };
  }

  if (head === 'watch') {
    if (words.length === 1) return { from, to, items: rank(['block', 'heap'], word, 'keyword') };
    if (words[1] === 'heap') return words.length === 2 ? { from, to, items: rank(fields?.heaps ?? [], word, 'heap').slice(0, MAX_ITEMS) } : { from, to, items: rank(['if'], word, 'keyword') };
    if (words[1] === 'block' && words.length === 3) return { from, to, items: [...rank(fields?.blockFields ?? [], word, 'field'), ...rank(['if'], word, 'keyword')].slice(0, MAX_ITEMS) };
    if (words[1] === 'block' && words.length === 4) return { from, to, items: rank(['if'], word, 'keyword') };
    return none;
  }

  // after a kind: only `if` comes next
  if (words.length === 1) return { from, to, items: rank(['if'], word, 'keyword') };
  return none;
}

/** The text with a suggestion put in place of the word, and where the caret goes (after it, and a space for words that take one). */
export function accept(text: string, c: Completion, s: Suggestion): { text: string; caret: number } {
  const space = s.hint === 'keyword' || s.hint === 'kind' ? ' ' : '';
  const rest = text.slice(c.to);
  const insert = s.text + (space && !rest.startsWith(' ') ? space : '');
  return { text: text.slice(0, c.from) + insert + rest, caret: c.from + insert.length + (space && rest.startsWith(' ') ? 1 : 0) };
}
