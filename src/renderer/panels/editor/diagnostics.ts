/**
 * The engine's located errors as editor ranges. A scenario error points at a line and
 * column (1-based) — at the value for a bad value, at the key for an unknown key, at the map
 * for a missing field — and this finds the extent of what is there: a plain scalar up to
 * the next `,` `}` `]` `: ` or comment, a quoted scalar to its closing quote, a flow map or
 * list to its closing bracket. Pure: unit-tested in Node.
 */
import type { Text } from '@codemirror/state';
import type { Diagnostic } from '../../../protocol';

export interface Range {
  readonly from: number;
  readonly to: number;
}

/** The extent of the YAML token that starts at `column` (1-based) of `line` (1-based), clamped to the document. */
export function tokenRange(doc: Text, line: number, column: number): Range {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  const text = l.text;
  let start = Math.min(Math.max(0, column - 1), text.length);
  // an error at a line's indentation points at its content
  if (text.slice(0, start).trim() === '') start = Math.max(start, text.length - text.trimStart().length);
  // and a list item's dash at the item
  while (text[start] === '-' && text[start + 1] === ' ') {
    start += 1;
    while (text[start] === ' ') start++;
  }
  const c = text[start];
  let end = start;
  if (c === '"' || c === "'") {
    end = start + 1;
    while (end < text.length) {
      if (text[end] === '\\' && c === '"') end += 2;
      else if (text[end] === c && c === "'" && text[end + 1] === "'") end += 2;
      else if (text[end] === c) {
        end += 1;
        break;
      } else end += 1;
    }
  } else if (c === '{' || c === '[') {
    let depth = 0;
    for (end = start; end < text.length; end++) {
      const ch = text[end];
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          end++;
          break;
        }
      }
    }
  } else {
    while (end < text.length) {
      const ch = text[end];
      if (ch === ',' || ch === '}' || ch === ']') break;
      if (ch === '#' && end > start && /\s/.test(text[end - 1])) break;
      if (ch === ':' && (end + 1 === text.length || /\s/.test(text[end + 1]))) break;
      end++;
    }
    while (end > start && /\s/.test(text[end - 1])) end--;
  }
  end = Math.min(end, text.length);
  // nothing there (the end of a line): mark the last character so the underline shows
  if (end === start && start > 0 && text.trim() !== '') return { from: l.from + start - 1, to: l.from + start };
  return { from: l.from + start, to: l.from + end };
}

/** The range of a diagnostic in `doc`, or null when it has no location. */
export function diagnosticRange(doc: Text, d: Diagnostic): Range | null {
  if (!d.location) return null;
  return tokenRange(doc, d.location.line, d.location.column);
}
