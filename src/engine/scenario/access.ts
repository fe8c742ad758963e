/**
 * Accesses: which bytes of a region a kernel or the CPU touches, and in what order, expanded to the 4 KiB pages
 * they fall in. The engine works on pages, so the expansion happens once, here, and is exact and deterministic:
 * the same scenario gives the same page order everywhere (random patterns use the generator of prng.ts).
 */
import { z } from 'zod';
import { MAX_ACCESS_PAGES, MAX_TOTAL_PAGES } from './defaults';
import { describeValue, oneOf } from './errors';
import { int, size, text } from './fields';
import { splitmix32, uniformBelow } from './prng';
import type { MapView, Reader } from './reader';
import { resolveRegion, type RegionTable } from './regions';
import { formatSize, type Parsed } from './sizes';
import { PAGE_SIZE, type AccessOp, type AccessPattern, type AccessSpec } from './types';

export const ACCESS_OPS = ['read', 'write', 'atomic'] as const;
export const ACCESS_PATTERNS = ['sequential', 'strided', 'random', 'list'] as const;

/** The fields of an access other than `pages`, which is read item by item so that a bad page is located. */
const ACCESS_OP = z.enum(ACCESS_OPS);
const ACCESS_FIELDS = {
  region: text,
  offset: size().optional(),
  length: size({ min: 1 }).optional(),
  pattern: z.enum(ACCESS_PATTERNS).default('sequential'),
  stride: size({ min: 1 }).optional(),
  span: size({ min: 1 }).optional(),
  count: int(1, MAX_ACCESS_PAGES).optional(),
  seed: int(0, 0xffff_ffff).optional(),
};

/** Every key an access may have, `op` included. */
export const ACCESS_KEYS: readonly string[] = Object.freeze([
  'region',
  'op',
  ...Object.keys(ACCESS_FIELDS).slice(1),
  'pages',
]);

/** Which pattern-specific fields each pattern takes; the others are refused rather than silently ignored. */
const PATTERN_KEYS: Readonly<Record<AccessPattern, readonly string[]>> = Object.freeze({
  sequential: ['offset', 'length'],
  strided: ['offset', 'length', 'stride', 'span'],
  random: ['offset', 'length', 'count', 'seed'],
  list: ['pages'],
});
const PATTERN_SPECIFIC = ['offset', 'length', 'stride', 'span', 'count', 'seed', 'pages'] as const;
const REQUIRED: Readonly<Partial<Record<AccessPattern, { key: string; help: string }>>> = Object.freeze({
  strided: { key: 'stride', help: 'the distance between the starts of two spans, e.g. stride: 64KiB' },
  random: { key: 'count', help: 'how many pages to touch, e.g. count: 1000' },
  list: { key: 'pages', help: 'a list of page indices, e.g. pages: [0, 7, 3]' },
});

/** What an access says, before expansion. Offsets and lengths are bytes within the region. */
export interface AccessShape {
  pattern: AccessPattern;
  offset: number;
  length: number;
  stride?: number;
  span?: number;
  count?: number;
  seed?: number;
}

/** Page touches still allowed for the whole scenario (defaults.MAX_TOTAL_PAGES at the start). */
export interface PageBudget {
  remaining: number;
  /** Set once an access did not fit, so that the error is reported only once. */
  exhausted?: boolean;
}

function firstPage(offset: number): number {
  return Math.floor(offset / PAGE_SIZE);
}
function lastPage(offset: number, length: number): number {
  return Math.floor((offset + length - 1) / PAGE_SIZE);
}

function tooMany(n: number): Parsed<Uint32Array> {
  return {
    ok: false,
    message: `this access touches ${n > MAX_ACCESS_PAGES ? `more than ${MAX_ACCESS_PAGES}` : n} pages; ` +
      `one access may touch at most ${MAX_ACCESS_PAGES} (split it into several accesses)`,
  };
}

/**
 * The pages an access touches, in order. `length` must be at least 1 and the range inside the region (the reader
 * checks both). sequential: every page overlapping [offset, offset+length). strided: for each k, the pages
 * overlapping [offset + k·stride, offset + k·stride + span) ∩ [offset, offset+length), concatenated (a page shared
 * by two spans appears twice: it is touched twice). random: `count` pages drawn uniformly from those overlapping
 * the range, with repeats.
 */
export function expandPattern(shape: AccessShape): Parsed<Uint32Array> {
  const { offset, length } = shape;
  const first = firstPage(offset);
  switch (shape.pattern) {
    case 'sequential': {
      const n = lastPage(offset, length) - first + 1;
      if (n > MAX_ACCESS_PAGES) return tooMany(n);
      const pages = new Uint32Array(n);
      for (let i = 0; i < n; i++) pages[i] = first + i;
      return { ok: true, value: pages };
    }
    case 'strided': {
      const stride = shape.stride ?? PAGE_SIZE;
      const span = shape.span ?? PAGE_SIZE;
      const end = offset + length;
      // Count first (stopping once past the cap, so a 1-byte stride over a terabyte costs nothing), then fill.
      let n = 0;
      for (let s = offset; s < end && n <= MAX_ACCESS_PAGES; s += stride) {
        n += lastPage(s, Math.min(span, end - s)) - firstPage(s) + 1;
      }
      if (n > MAX_ACCESS_PAGES) return tooMany(n);
      const pages = new Uint32Array(n);
      let i = 0;
      for (let s = offset; s < end; s += stride) {
        const last = lastPage(s, Math.min(span, end - s));
        for (let p = firstPage(s); p <= last; p++) pages[i++] = p;
      }
      return { ok: true, value: pages };
    }
    case 'random': {
      const count = shape.count ?? 0;
      if (count > MAX_ACCESS_PAGES) return tooMany(count);
      const choices = lastPage(offset, length) - first + 1;
      const next = splitmix32(shape.seed ?? 1);
      const pages = new Uint32Array(count);
      for (let i = 0; i < count; i++) pages[i] = first + uniformBelow(next, choices);
      return { ok: true, value: pages };
    }
    case 'list':
      return { ok: false, message: 'a list access names its pages; there is nothing to expand' };
  }
}

function takeFromBudget(r: Reader, budget: PageBudget, n: number, view: MapView): boolean {
  if (n <= budget.remaining) {
    budget.remaining -= n;
    return true;
  }
  // Reported once: every later access would fail the same way and bury the first message.
  if (!budget.exhausted) {
    r.error(
      view.node,
      view.path,
      `the scenario's accesses touch too many pages in all: this access needs ${n}, and only ${budget.remaining} ` +
        `of the ${MAX_TOTAL_PAGES} allowed are left; make the accesses smaller or fewer`,
    );
  }
  budget.exhausted = true;
  return false;
}

/** `pages:` of a list access: non-negative whole numbers below the region's page count. */
function readPageList(r: Reader, view: MapView, regionPages: number | undefined, regionName: string): Uint32Array | null {
  const path = [...view.path, 'pages'];
  const node = r.valueNode(view, 'pages');
  const items = r.seq(node, path, 'a list of page indices (whole numbers, e.g. [0, 7, 3])');
  if (!items) return null;
  if (items.length === 0) {
    r.error(node, path, 'a list access needs at least one page');
    return null;
  }
  if (items.length > MAX_ACCESS_PAGES) {
    r.error(node, path, `a list may name at most ${MAX_ACCESS_PAGES} pages, got ${items.length}`);
    return null;
  }
  const pages = new Uint32Array(items.length);
  let ok = true;
  for (let i = 0; i < items.length && !r.sink.full; i++) {
    const value = r.js(items[i]);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      r.error(items[i], [...path, i], `expected a page index (a whole number ≥ 0), got ${describeValue(value)}`);
      ok = false;
    } else if (regionPages !== undefined && value >= regionPages) {
      r.error(items[i], [...path, i], `page ${value} is beyond region ${regionName} (pages 0 to ${regionPages - 1})`);
      ok = false;
    } else {
      pages[i] = value;
    }
  }
  return ok ? pages : null;
}

/**
 * Reads an access from a map whose keys the caller has checked (so it may hold a step's `op` too). `impliedOp` is
 * the op of cpu.read and cpu.write, which have no `op` of their own. Returns null when anything was reported.
 */
export function readAccess(
  r: Reader,
  view: MapView,
  regions: RegionTable,
  budget: PageBudget,
  impliedOp?: AccessOp,
): AccessSpec | null {
  const v = r.fields(view, ACCESS_FIELDS);
  const op = impliedOp ?? r.field(view, 'op', ACCESS_OP);
  let ok = op !== undefined && v.pattern !== undefined;

  let index: number | null | undefined;
  if (v.region !== undefined) {
    index = resolveRegion(r, regions, v.region, r.at(view, 'region'), [...view.path, 'region']);
  }
  if (index === null || index === undefined) ok = false;
  if (v.pattern === undefined) return null;
  const pattern = v.pattern;

  // Fields for another pattern are an error: `stride` on a sequential access is a mistake, not a no-op.
  for (const key of PATTERN_SPECIFIC) {
    if (view.entries.has(key) && !PATTERN_KEYS[pattern].includes(key)) {
      const users = ACCESS_PATTERNS.filter((p) => PATTERN_KEYS[p].includes(key));
      r.error(
        view.entries.get(key)?.key,
        [...view.path, key],
        `\`${key}\` does not apply to pattern ${pattern} (it is for ${oneOf(users)})`,
      );
      ok = false;
    }
  }
  const required = REQUIRED[pattern];
  if (required && !view.entries.has(required.key)) {
    const message = `missing required field \`${required.key}\` for pattern ${pattern}: ${required.help}`;
    r.error(view.node, [...view.path, required.key], message);
    ok = false;
  }
  if (r.anyInvalid(view, v, ['offset', 'length', 'stride', 'span', 'count', 'seed'])) ok = false;

  const region = index === null || index === undefined ? undefined : regions.entries[index];
  const regionSize = region?.size;
  const regionName = region?.name ?? '?';
  if (!ok || index === null || index === undefined || op === undefined || regionSize === undefined) {
    // Still check the page list's items where we can, so their errors show in the same pass.
    if (pattern === 'list' && view.entries.has('pages')) {
      readPageList(r, view, regionSize === undefined ? undefined : regionSize / PAGE_SIZE, regionName);
    }
    return null;
  }

  let pages: Uint32Array | null;
  if (pattern === 'list') {
    pages = readPageList(r, view, regionSize / PAGE_SIZE, regionName);
    if (pages && !takeFromBudget(r, budget, pages.length, view)) return null;
  } else {
    const shape = accessExtent(r, view, v.offset, v.length, regionSize, regionName);
    if (!shape) return null;
    if (v.span !== undefined && v.stride !== undefined && v.span > v.stride) {
      const message = `span ${formatSize(v.span)} is larger than stride ${formatSize(v.stride)}`;
      r.error(r.at(view, 'span'), [...view.path, 'span'], message);
      return null;
    }
    const expanded = expandPattern({ pattern, ...shape, stride: v.stride, span: v.span, count: v.count, seed: v.seed });
    if (!expanded.ok) {
      r.error(view.node, view.path, expanded.message);
      return null;
    }
    pages = expanded.value;
    if (!takeFromBudget(r, budget, pages.length, view)) return null;
  }
  if (!pages) return null;
  return { region: index, op, pattern, pages, loc: r.loc(view.node) };
}

/**
 * Checks that [offset, offset+length) lies in a region of `regionSize` bytes (offset defaults to 0, length to the
 * rest of the region) and returns the range, or null having reported where it overflows. Used by uvm.prefetch too.
 */
export function accessExtent(
  r: Reader,
  view: MapView,
  offset: number | undefined,
  length: number | undefined,
  regionSize: number,
  regionName: string,
): { offset: number; length: number } | null {
  const start = offset ?? 0;
  if (start >= regionSize) {
    const message = `offset ${formatSize(start)} is at or past the end of region ${regionName} (${formatSize(regionSize)})`;
    r.error(r.at(view, 'offset'), [...view.path, 'offset'], message);
    return null;
  }
  const len = length ?? regionSize - start;
  if (start + len > regionSize) {
    r.error(
      r.at(view, 'length'),
      [...view.path, 'length'],
      `offset ${formatSize(start)} + length ${formatSize(len)} exceeds region ${regionName} (${formatSize(regionSize)})`,
    );
    return null;
  }
  return { offset: start, length: len };
}
