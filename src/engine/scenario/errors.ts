/**
 * Located scenario errors: what went wrong, where (file, line, column and a path such as `steps[3].access.region`)
 * and, where we can guess it, the fix. Messages name what was expected, so a reader never has to open the docs to
 * learn what a field takes.
 */
import type { SourceLoc } from './types';

export interface ScenarioError {
  /** The file name given to parseScenario. */
  source: string;
  /** 1-based line and column of the offending node (the key for an unknown key, the value for a bad value). */
  line: number;
  col: number;
  /** Where in the document, e.g. `steps[3].access.region`; '' for the document as a whole. */
  path: string;
  message: string;
}

/** `demo.yaml:14:7: region "B" is not defined (regions: A, F)`: the form compilers use, so editors can link it. */
export function formatScenarioError(e: ScenarioError): string {
  return `${e.source}:${e.line}:${e.col}: ${e.message}`;
}

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;

/** `['steps', 3, 'access', 'region']` → `steps[3].access.region`. Odd keys are quoted: `machine["my key"]`. */
export function pathToString(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** After this many errors we stop collecting: a hostile file must not make an unbounded list. */
export const MAX_ERRORS = 100;

/** Collects errors in the order found, and hands them back sorted by position. */
export class ErrorSink {
  private readonly list: ScenarioError[] = [];

  constructor(
    readonly source: string,
    private readonly max: number = MAX_ERRORS,
  ) {}

  add(loc: SourceLoc, path: Path, message: string): void {
    if (this.list.length >= this.max) return;
    this.list.push({ source: this.source, line: loc.line, col: loc.col, path: pathToString(path), message });
  }

  get count(): number {
    return this.list.length;
  }

  /** True once no more errors will be kept: callers may stop early. */
  get full(): boolean {
    return this.list.length >= this.max;
  }

  finish(): ScenarioError[] {
    // Array.prototype.sort is stable (ES2019), so errors at one place keep the order they were found in.
    const sorted = [...this.list].sort((a, b) => a.line - b.line || a.col - b.col);
    // Readers stop early once the list is full, so the number of the others is unknown: say so rather than guess.
    if (this.full) {
      const last = sorted[sorted.length - 1];
      sorted.push({
        source: this.source,
        line: last?.line ?? 1,
        col: last?.col ?? 1,
        path: '',
        message: `stopped after the first ${this.max} errors; fix these and read the file again to see any others`,
      });
    }
    return sorted;
  }
}

/** Edit distance with adjacent transpositions (optimal string alignment), so `lenght` is one edit from `length`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The candidate a typo most likely meant, or undefined when none is close. Case is ignored, and a dotted
 * candidate also matches on its last part, so `kernel` suggests `gpu.kernel`.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length === 0 || input.length > 64) return undefined;
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > 128) continue;
    const full = candidate.toLowerCase();
    const tail = full.slice(full.lastIndexOf('.') + 1);
    const limit = Math.max(1, Math.floor(Math.min(needle.length, full.length) / 3));
    let distance = Math.min(editDistance(needle, full), editDistance(needle, tail));
    // Sharing most of the input as a prefix (`dense` for `density`) is a weaker match than a small edit, so it
    // ranks just after the edits the limit allows.
    const shared = Math.max(commonPrefix(needle, full), commonPrefix(needle, tail));
    if (distance > limit && shared >= Math.max(3, Math.ceil(needle.length * 0.6))) distance = limit + 0.5;
    // Replacing every character is no suggestion (`B` for `A`).
    if (distance <= limit + 0.5 && distance < needle.length && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean \`length\`?` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const guess = closest(input, candidates);
  return guess === undefined ? '' : `; did you mean \`${guess}\`?`;
}

/** A value as a message shows it: `"dense"`, `the number 3`, `a list`, `a map`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

/** `a, b or c`, for the allowed values of a field. */
export function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => String(v));
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}
