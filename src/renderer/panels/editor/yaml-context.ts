/**
 * Where the cursor is in a scenario, as completion needs it: in which map (by its path from
 * the top: `steps[].access`), whether at a key or at a key's value, and what that map holds
 * already. Scenarios are written in YAML's block style with one-line flow maps
 * (`- { op: cpu.write, region: data }`), and while a person types the document is often
 * not valid YAML (`- gaia.` has no `op:` yet), so this reads lines and indentation rather
 * than a parse tree: the current line's flow brackets, then the block lines above it.
 * Pure (no DOM): it works on CodeMirror's `Text`, so it runs in Node tests, and it walks at
 * most the lines between the cursor and its ancestors (fast on a 2000-line scenario).
 */
import type { Text } from '@codemirror/state';

/** A list item in a path. */
export const ITEM = '[]';

export interface MapAt {
  /** Keys from the top, `[]` for a list item: `['steps', '[]', 'access']`; `[]` is the top level. */
  readonly path: readonly string[];
  /** The keys the map has already, with their values where written on the same line. */
  readonly entries: ReadonlyMap<string, string>;
}

export type CursorContext =
  | {
      readonly kind: 'key';
      readonly map: MapAt;
      /** Where the word being typed starts. */
      readonly from: number;
      /** Inside `{ … }` on this line rather than a block map. */
      readonly flow: boolean;
      /** At the start of a block list item (`- gai|`), where a step's op can go. */
      readonly itemStart: boolean;
    }
  | {
      readonly kind: 'value';
      readonly map: MapAt;
      readonly key: string;
      readonly from: number;
      readonly flow: boolean;
    };

const KEY = /^([A-Za-z_][\w.-]*)\s*:(?:\s|$)/;
const WORD = /[\w.-]*$/;

interface LineInfo {
  /** Column of the first non-space character (the line's length when blank). */
  readonly indent: number;
  /** Column where the content starts after any `- ` markers. */
  readonly contentCol: number;
  /** Whether the line starts a list item. */
  readonly item: boolean;
  /** The content (after indentation and dashes), comments removed. */
  readonly content: string;
  /** Blank or comment only. */
  readonly empty: boolean;
}

/** Removes a `# comment` (a `#` at the start or after a space, outside quotes). */
export function stripComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      // a quote opens a quoted scalar only at the start of a value
      if (i === 0 || /[\s,[{:]/.test(text[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i);
    }
  }
  return text;
}

function info(text: string): LineInfo {
  const body = stripComment(text);
  const indent = body.length - body.trimStart().length;
  let col = indent;
  let item = false;
  while (body[col] === '-' && (col + 1 === body.length || body[col + 1] === ' ')) {
    item = true;
    col += 1;
    while (body[col] === ' ') col++;
  }
  const content = body.slice(col).trimEnd();
  return { indent, contentCol: col, item, content, empty: body.trim() === '' || body.trim() === '---' };
}

/** `key` of a `key: …` content, or null. */
function keyOf(content: string): string | null {
  return KEY.exec(content)?.[1] ?? null;
}

/** The value written after `key:` on the same line ('' for none). */
function valueOf(content: string): string {
  const m = KEY.exec(content);
  return m ? content.slice(m[0].length).trim() : '';
}

/**
 * The path of the block map whose keys sit at column `col`, one of which is on line `lineNo`
 * (1-based) or would be there: walks up through the lines' indentation.
 */
export function blockPath(doc: Text, lineNo: number, col: number): string[] {
  const path: string[] = [];
  let cur = col;
  // Looking for what owns a list whose dashes are at column `cur` (true), or a map whose keys are at `cur` (false).
  let seqMode = false;
  const here = info(doc.line(lineNo).text);
  if (here.item && here.contentCol === col && here.indent < col) {
    path.unshift(ITEM);
    cur = here.indent;
    seqMode = true;
  }
  for (let j = lineNo - 1; j >= 1 && cur > 0; j--) {
    const l = info(doc.line(j).text);
    if (l.empty) continue;
    if (seqMode) {
      if (l.indent > cur || (l.indent === cur && l.item)) continue; // a sibling item, or inside one
      // the list's owner: `key:` at a smaller indent, or at the same one (a compact list)
      const key = keyOf(l.content);
      if (key === null) return path; // not YAML we understand
      path.unshift(key);
      cur = l.contentCol;
      seqMode = false;
      if (l.item) {
        path.unshift(ITEM);
        cur = l.indent;
        seqMode = true;
      }
      continue;
    }
    if (l.indent >= cur && !(l.item && l.contentCol === cur)) continue; // a sibling key or deeper
    if (l.item && l.contentCol === cur) {
      // the first line of the list item whose map we are in
      path.unshift(ITEM);
      cur = l.indent;
      seqMode = true;
      continue;
    }
    const key = keyOf(l.content);
    if (key === null) continue;
    path.unshift(key);
    cur = l.contentCol;
    if (l.item) {
      path.unshift(ITEM);
      cur = l.indent;
      seqMode = true;
    }
  }
  if (seqMode && cur === 0) {
    // a compact list at the top level: its owner is the `key:` line above at column 0
    for (let j = lineNo - 1; j >= 1; j--) {
      const l = info(doc.line(j).text);
      if (l.empty || l.item) continue;
      const key = keyOf(l.content);
      if (l.indent === 0 && key !== null) {
        path.unshift(key);
        break;
      }
    }
  }
  return path;
}

/** The keys of the block map whose keys are at column `col`, one of them on line `lineNo`. */
export function blockEntries(doc: Text, lineNo: number, col: number): Map<string, string> {
  // find where the map starts: go up over its siblings and their children
  let start = lineNo;
  for (let j = lineNo; j >= 1; j--) {
    const l = info(doc.line(j).text);
    if (l.empty) continue;
    if (l.item && l.contentCol === col && l.indent < col) {
      start = j;
      break;
    }
    if (l.indent < col) break;
    if (l.indent === col && l.item) break;
    start = j;
  }
  const entries = new Map<string, string>();
  for (let j = start; j <= doc.lines; j++) {
    const l = info(doc.line(j).text);
    if (l.empty) continue;
    if (j > start && (l.indent < col || (l.indent === col && l.item))) break;
    const atCol = j === start ? l.contentCol === col : l.indent === col && !l.item;
    if (!atCol) continue;
    const key = keyOf(l.content);
    if (key !== null && !entries.has(key)) entries.set(key, valueOf(l.content));
  }
  return entries;
}

/** `{ a: 1, b: { c: 2 } }` → a, b with their one-line values; from the text after the map's `{`. */
export function flowEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 0;
  let quote = '';
  let part = '';
  const flush = () => {
    const m = /^\s*([A-Za-z_][\w.-]*)\s*:\s*(.*)$/s.exec(part);
    if (m && !entries.has(m[1])) entries.set(m[1], m[2].trim());
    part = '';
  };
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = '';
      part += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if (c === '{' || c === '[') depth++;
    if (c === '}' || c === ']') {
      if (depth === 0) break;
      depth--;
    }
    if (c === ',' && depth === 0) {
      flush();
      continue;
    }
    part += c;
  }
  flush();
  return entries;
}

interface Open {
  readonly char: '{' | '[';
  readonly index: number;
}

/** The brackets still open at the end of `prefix`, or null when it ends inside a quoted scalar. */
function openBrackets(prefix: string): Open[] | null {
  const stack: Open[] = [];
  let quote = '';
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s,[{:]/.test(prefix[i - 1]))) quote = c;
    else if (c === '{' || c === '[') stack.push({ char: c, index: i });
    else if (c === '}' || c === ']') stack.pop();
  }
  return quote ? null : stack;
}

/** Key or value position in the segment of a map after its last `{`, `,` or line start. */
function position(segment: string, segmentFrom: number): { kind: 'key'; from: number; word: string } | { kind: 'value'; key: string; from: number } | null {
  const colon = /^\s*([A-Za-z_][\w.-]*)\s*:(\s+|$)/.exec(segment);
  if (colon) {
    const value = segment.slice(colon[0].length);
    if (!/^[\w.-]*$/.test(value)) return null;
    return { kind: 'value', key: colon[1], from: segmentFrom + colon[0].length };
  }
  const word = WORD.exec(segment)?.[0] ?? '';
  if (segment.slice(0, segment.length - word.length).trim() !== '') return null;
  return { kind: 'key', from: segmentFrom + segment.length - word.length, word };
}

/** What the cursor at `pos` is on, or null where completion has nothing to say (comments, quotes, free text). */
export function cursorContext(doc: Text, pos: number): CursorContext | null {
  const line = doc.lineAt(pos);
  const prefix = line.text.slice(0, pos - line.from);
  if (stripComment(prefix) !== prefix) return null;
  const stack = openBrackets(prefix);
  if (stack === null) return null;
  const l = info(prefix);

  if (stack.length === 0) {
    // block style: `key: val|`, `  ke|`, `- gai|`
    const segment = prefix.slice(l.contentCol);
    const p = position(segment, line.from + l.contentCol);
    if (!p) return null;
    const col = l.contentCol;
    const map: MapAt = { path: blockPath(doc, line.number, col), entries: blockEntries(doc, line.number, col) };
    if (p.kind === 'value') return { kind: 'value', map, key: p.key, from: p.from, flow: false };
    return { kind: 'key', map, from: p.from, flow: false, itemStart: l.item && segment.trim() === p.word };
  }

  // flow style: the innermost `{` holds the cursor (a `[` list of scalars gets nothing)
  const inner = stack[stack.length - 1];
  if (inner.char !== '{') return null;
  let segStart = inner.index + 1;
  let depth = 0;
  for (let i = inner.index + 1; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) segStart = i + 1;
  }
  const p = position(prefix.slice(segStart), line.from + segStart);
  if (!p) return null;
  const path = flowPath(doc, line.number, prefix, stack);
  if (!path) return null;
  const map: MapAt = { path, entries: flowEntries(line.text.slice(inner.index + 1)) };
  if (p.kind === 'value') return { kind: 'value', map, key: p.key, from: p.from, flow: true };
  return { kind: 'key', map, from: p.from, flow: true, itemStart: false };
}

/** The path of the innermost flow map of `stack` on line `lineNo`: each bracket's owner is a `key:` or a list item before it. */
function flowPath(doc: Text, lineNo: number, prefix: string, stack: readonly Open[]): string[] | null {
  const path: string[] = [];
  for (let s = 0; s < stack.length; s++) {
    const open = stack[s];
    const before = prefix.slice(s === 0 ? 0 : stack[s - 1].index + 1, open.index);
    // the part of `before` after the enclosing bracket's last separator
    const last = before.split(',').pop() ?? '';
    const key = /([A-Za-z_][\w.-]*)\s*:\s*$/.exec(last);
    if (s === 0) {
      const l = info(prefix.slice(0, open.index));
      if (key) {
        path.push(...blockPath(doc, lineNo, l.contentCol), key[1]);
      } else if (l.item && l.content === '') {
        // `- { … }`: an item of the list whose dashes are at this line's indent
        path.push(...blockPath(doc, lineNo, l.contentCol));
      } else return null;
    } else if (key) {
      path.push(key[1]);
    } else if (stack[s - 1].char === '[' && last.trim() === '') {
      path.push(ITEM);
    } else return null;
    if (open.char === '[') {
      // a flow list: its maps are items
      continue;
    }
  }
  return path;
}

/** The map the path names, as the schema calls them; `step` for a step (whose fields depend on its op). */
export type MapName = 'scenario' | 'machine' | 'gpu' | 'cpu' | 'link' | 'copy' | 'costs' | 'policy' | 'region' | 'access' | 'step';

export function mapName(path: readonly string[]): MapName | null {
  const p = path.join('.');
  switch (p) {
    case '':
      return 'scenario';
    case 'machine':
    case 'policy':
      return p;
    case 'machine.gpus.[]':
      return 'gpu';
    case 'machine.cpu':
      return 'cpu';
    case 'machine.link':
      return 'link';
    case 'machine.link.htod':
    case 'machine.link.dtoh':
    case 'machine.link.dtod':
      return 'copy';
    case 'machine.costs':
      return 'costs';
    case 'regions.[]':
      return 'region';
    case 'steps.[]':
      return 'step';
    case 'steps.[].access':
    case 'steps.[].accesses.[]':
      return 'access';
    default:
      return null;
  }
}
