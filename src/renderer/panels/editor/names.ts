/**
 * The names a scenario defines, for completing references to them: its regions (with their
 * kind, so an op that needs a file region is offered file regions) and its GPUs. Read from
 * the text as it is now, not from the last run, so a region just added is offered at once.
 * Pure; cached per document (CodeMirror's `Text` is immutable).
 */
import type { Text } from '@codemirror/state';
import { flowEntries, stripComment } from './yaml-context';

export interface RegionName {
  readonly name: string;
  /** As written; `managed` when absent (the format's default). */
  readonly kind: string;
}

export interface DocumentNames {
  readonly regions: readonly RegionName[];
  /** In order; empty when the scenario names none (the machine's default GPU then applies). */
  readonly gpus: readonly string[];
}

const cache = new WeakMap<Text, DocumentNames>();
const NAME = /\bname\s*:\s*["']?([A-Za-z_][\w.-]*)/g;

/** The entries of the items of a block list, item by item: `- { a: 1 }`, or `- a: 1` with `b: 2` lines below. */
function items(lines: readonly string[]): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  let col = -1;
  for (const raw of lines) {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') continue;
    const indent = text.length - text.trimStart().length;
    const body = text.trimStart();
    if (body.startsWith('- ') || body === '-') {
      const rest = body.slice(1).trimStart();
      col = indent + (body.length - rest.length);
      current = rest.startsWith('{') ? flowEntries(rest.slice(1)) : new Map();
      out.push(current);
      const m = /^([A-Za-z_][\w.-]*)\s*:\s*(.*)$/.exec(rest);
      if (m && !rest.startsWith('{')) current.set(m[1], m[2].trim());
      continue;
    }
    if (current && indent === col) {
      const m = /^([A-Za-z_][\w.-]*)\s*:\s*(.*)$/.exec(body);
      if (m) current.set(m[1], m[2].trim());
    }
  }
  return out;
}

function unquote(v: string | undefined): string | undefined {
  return v?.replace(/^(["'])(.*)\1$/, '$2');
}

/** The lines of a top-level section (`regions:` up to the next top-level key), with its first line's value. */
function section(doc: Text, key: string): { first: string; lines: string[] } | null {
  for (let i = 1; i <= doc.lines; i++) {
    const m = new RegExp(`^${key}\\s*:(.*)$`).exec(doc.line(i).text);
    if (!m) continue;
    const lines: string[] = [];
    for (let j = i + 1; j <= doc.lines; j++) {
      const t = doc.line(j).text;
      if (/^[^\s#-]/.test(t)) break;
      lines.push(t);
    }
    return { first: m[1], lines };
  }
  return null;
}

export function documentNames(doc: Text): DocumentNames {
  const hit = cache.get(doc);
  if (hit) return hit;
  const regions: RegionName[] = [];
  const regionSection = section(doc, 'regions');
  if (regionSection) {
    for (const e of items(regionSection.lines)) {
      const name = unquote(e.get('name'));
      if (name && /^[A-Za-z_][\w.-]*$/.test(name)) regions.push({ name, kind: unquote(e.get('kind')) || 'managed' });
    }
  }
  const gpus: string[] = [];
  const machine = section(doc, 'machine');
  if (machine) {
    // `gpus:` and the lines below it that are deeper than it
    const start = machine.lines.findIndex((l) => /^\s+gpus\s*:/.test(l));
    if (start >= 0) {
      const indent = machine.lines[start].length - machine.lines[start].trimStart().length;
      let text = machine.lines[start];
      for (const l of machine.lines.slice(start + 1)) {
        if (l.trim() !== '' && l.length - l.trimStart().length <= indent && !l.trimStart().startsWith('-')) break;
        text += `\n${l}`;
      }
      for (const m of text.split('\n').map(stripComment).join('\n').matchAll(NAME)) if (!gpus.includes(m[1])) gpus.push(m[1]);
    }
  }
  const names = { regions, gpus };
  cache.set(doc, names);
  return names;
}
