/**
 * `steps`: what happens, in order. Each step is a map with an `op` and that op's fields, or one of the short forms
 * `- note: text` and `- bookmark: name`. References (regions, GPUs) are resolved to indices here, and every step
 * keeps the line and column it came from so the UI can show it and breakpoints can name it.
 */
import { z } from 'zod';
import { isMap, isScalar, type Node } from 'yaml';
import { accessExtent, ACCESS_KEYS, readAccess, type PageBudget } from './access';
import { MAX_FAULT_WINDOW_PAGES } from './defaults';
import { describeValue, didYouMean, type Path } from './errors';
import { int, size, text } from './fields';
import type { GpuNames } from './machine';
import type { MapView, Reader } from './reader';
import { resolveRegion, type RegionTable } from './regions';
import type { AccessSpec, GpuSpec, ProcId, SourceLoc, StepSpec } from './types';

export const STEP_OPS = ['gpu.kernel', 'cpu.read', 'cpu.write', 'uvm.prefetch', 'uvm.advise', 'note', 'bookmark'] as const;
export type StepOp = (typeof STEP_OPS)[number];

/** The keys each op takes, `op` itself included. */
const STEP_KEYS: Readonly<Record<StepOp, readonly string[]>> = Object.freeze({
  'gpu.kernel': ['op', 'gpu', 'access', 'accesses', 'faultWindowPages'],
  'cpu.read': ACCESS_KEYS,
  'cpu.write': ACCESS_KEYS,
  'uvm.prefetch': ['op', 'region', 'to', 'offset', 'length'],
  'uvm.advise': ['op', 'region', 'advice', 'target'],
  note: ['op', 'text'],
  bookmark: ['op', 'name'],
});

export const ADVICE = [
  'read-mostly',
  'preferred-location',
  'accessed-by',
  'unset-read-mostly',
  'unset-preferred-location',
  'unset-accessed-by',
] as const;
/** Advice that names a processor (cudaMemAdvise's device argument); the others apply to the range as a whole. */
const ADVICE_WITH_TARGET: readonly string[] = ['preferred-location', 'accessed-by', 'unset-accessed-by'];

const KERNEL_FIELDS = { gpu: text.optional(), faultWindowPages: int(1, MAX_FAULT_WINDOW_PAGES).optional() };
const PREFETCH_FIELDS = { region: text, to: text, offset: size().optional(), length: size({ min: 1 }).optional() };
const ADVISE_FIELDS = { region: text, advice: z.enum(ADVICE), target: text.optional() };
const NOTE_FIELDS = { text };
const BOOKMARK_FIELDS = { name: z.string().min(1) };
/** The short forms: a one-key map whose key is the op and whose value is that op's one field. */
const SHORT_FORMS: Readonly<Record<string, { field: string; schema: z.ZodType<string> }>> = Object.freeze({
  note: { field: 'text', schema: text },
  bookmark: { field: 'name', schema: BOOKMARK_FIELDS.name },
});

export interface StepContext {
  r: Reader;
  regions: RegionTable;
  gpus: GpuNames;
  /** The machine's GPUs when they could be read (for each GPU's default fault window). */
  machineGpus: GpuSpec[] | null;
  budget: PageBudget;
  /** Bookmark names already seen, with where, so a second one can point at the first. */
  bookmarks: Map<string, SourceLoc>;
}

/** Resolves `gpu`, `to` or `target` to a processor id; null (unreported) when the GPUs themselves were unreadable. */
function resolveProc(
  c: StepContext,
  view: MapView,
  key: string,
  name: string,
  allowCpu: boolean,
): ProcId | null | undefined {
  const at = c.r.at(view, key);
  const path = [...view.path, key];
  if (name === 'cpu') {
    if (allowCpu) return 0;
    c.r.error(at, path, `\`cpu\` is not a GPU; a kernel runs on one of: ${c.gpus.names.join(', ')}`);
    return undefined;
  }
  if (!c.gpus.known) return null;
  const index = c.gpus.names.indexOf(name);
  if (index >= 0) return index + 1;
  const choices = allowCpu ? ['cpu', ...c.gpus.names] : c.gpus.names;
  const kind = allowCpu ? 'processors' : 'GPUs';
  c.r.error(at, path, `processor "${name}" is not defined (${kind}: ${choices.join(', ')})${didYouMean(name, choices)}`);
  return undefined;
}

function regionOf(c: StepContext, view: MapView, name: string | undefined): number | null | undefined {
  if (name === undefined) return undefined;
  return resolveRegion(c.r, c.regions, name, c.r.at(view, 'region'), [...view.path, 'region']);
}

function readKernel(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const { r } = c;
  const v = r.fields(view, KERNEL_FIELDS);
  let ok = !r.anyInvalid(view, v, ['gpu', 'faultWindowPages']);
  let gpu: ProcId | null | undefined = 1; // the first GPU, when none is named
  if (v.gpu !== undefined) gpu = resolveProc(c, view, 'gpu', v.gpu, false);
  if (gpu === null || gpu === undefined) ok = false;

  const hasOne = view.entries.has('access');
  const hasMany = view.entries.has('accesses');
  const accesses: AccessSpec[] = [];
  if (hasOne && hasMany) {
    const message = 'give either `access` (one access) or `accesses` (a list), not both';
    r.error(view.entries.get('accesses')?.key, [...view.path, 'accesses'], message);
    ok = false;
  } else if (!hasOne && !hasMany) {
    const message = 'missing required field `access` (one access) or `accesses` (a list of accesses)';
    r.error(view.node, [...view.path, 'access'], message);
    ok = false;
  } else if (hasOne) {
    const a = r.map(r.valueNode(view, 'access'), [...view.path, 'access'], ACCESS_KEYS, 'an access');
    const spec = a && readAccess(r, a, c.regions, c.budget);
    if (spec) accesses.push(spec);
    else ok = false;
  } else {
    const path = [...view.path, 'accesses'];
    const items = r.seq(r.valueNode(view, 'accesses'), path, 'a list of accesses');
    if (!items) ok = false;
    else if (items.length === 0) {
      r.error(r.at(view, 'accesses'), path, 'a kernel needs at least one access');
      ok = false;
    }
    items?.forEach((item, i) => {
      const a = r.map(item, [...path, i], ACCESS_KEYS, 'an access');
      const spec = a && readAccess(r, a, c.regions, c.budget);
      if (spec) accesses.push(spec);
      else ok = false;
    });
  }
  if (!ok || gpu === null || gpu === undefined) return null;
  const faultWindowPages = v.faultWindowPages ?? c.machineGpus?.[gpu - 1]?.faultWindowPages;
  if (faultWindowPages === undefined) return null;
  return { op: 'gpu.kernel', gpu, accesses, faultWindowPages, loc };
}

function readPrefetch(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const { r } = c;
  const v = r.fields(view, PREFETCH_FIELDS);
  const region = regionOf(c, view, v.region);
  const to = v.to === undefined ? undefined : resolveProc(c, view, 'to', v.to, true);
  const badRange = r.anyInvalid(view, v, ['offset', 'length']);
  if (region === null || region === undefined || to === null || to === undefined || badRange) return null;
  const entry = c.regions.entries[region];
  if (entry?.size === undefined) return null;
  const extent = accessExtent(r, view, v.offset, v.length, entry.size, entry.name ?? '?');
  if (!extent) return null;
  return { op: 'uvm.prefetch', region, to, offset: extent.offset, length: extent.length, loc };
}

function readAdvise(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const { r } = c;
  const v = r.fields(view, ADVISE_FIELDS);
  const region = regionOf(c, view, v.region);
  if (v.advice === undefined) return null;
  const needsTarget = ADVICE_WITH_TARGET.includes(v.advice);
  let target: ProcId | null | undefined = null;
  if (needsTarget && !view.entries.has('target')) {
    const message = `missing required field \`target\`: advice ${v.advice} names a processor (cpu or a GPU)`;
    r.error(view.node, [...view.path, 'target'], message);
    return null;
  }
  if (!needsTarget && view.entries.has('target')) {
    const message = `advice ${v.advice} takes no \`target\`: it applies to the region for every processor`;
    r.error(view.entries.get('target')?.key, [...view.path, 'target'], message);
    return null;
  }
  if (needsTarget) {
    if (v.target === undefined) return null;
    target = resolveProc(c, view, 'target', v.target, true);
    if (target === null || target === undefined) return null;
  }
  if (region === null || region === undefined) return null;
  return { op: 'uvm.advise', region, advice: v.advice, target, loc };
}

function bookmark(c: StepContext, name: string, at: Node, path: Path, loc: SourceLoc): StepSpec | null {
  const first = c.bookmarks.get(name);
  if (first) {
    c.r.error(at, path, `bookmark "${name}" is already defined at line ${first.line}`);
    return null;
  }
  c.bookmarks.set(name, loc);
  return { op: 'bookmark', name, loc };
}

/** The op of a step map: its `op` value, or the key of a short form; reports and returns null otherwise. */
function stepOp(c: StepContext, node: Node, path: Path): { op: StepOp; short: boolean } | null {
  const { r } = c;
  if (!isMap(node)) return null;
  const keys = node.items.map((pair) => {
    const k = r.deref(pair.key);
    return isScalar(k) ? String(k.value) : '';
  });
  const opIndex = keys.indexOf('op');
  if (opIndex < 0) {
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only !== undefined && Object.hasOwn(SHORT_FORMS, only)) return { op: only as StepOp, short: true };
    const hint = only !== undefined && (STEP_OPS as readonly string[]).includes(only)
      ? `; \`${only}\` has no short form: write \`op: ${only}\` and its fields`
      : '';
    const forms = '(or the short forms `note: text` and `bookmark: name`)';
    r.error(node, [...path, 'op'], `missing required field \`op\`: one of ${STEP_OPS.join(', ')} ${forms}${hint}`);
    return null;
  }
  const opNode = node.items[opIndex]?.value as Node | null | undefined;
  const value = r.js(opNode);
  const known = STEP_OPS.find((op) => op === value);
  if (known) return { op: known, short: false };
  const message = typeof value === 'string'
    ? `unknown op "${value}" (known ops: ${STEP_OPS.join(', ')})${didYouMean(value, STEP_OPS)}`
    : `expected an op (one of ${STEP_OPS.join(', ')}), got ${describeValue(value)}`;
  r.error(r.deref(opNode) ?? node, [...path, 'op'], message);
  return null;
}

export function readStep(c: StepContext, item: Node, path: Path): StepSpec | null {
  const { r } = c;
  const node = r.deref(item);
  if (!isMap(node)) {
    const got = describeValue(r.js(item));
    r.error(node ?? item, path, `expected a step (a map with \`op\`: one of ${STEP_OPS.join(', ')}), got ${got}`);
    return null;
  }
  const loc = r.loc(node);
  const found = stepOp(c, node, path);
  if (!found) return null;
  const { op, short } = found;
  if (short) {
    const form = SHORT_FORMS[op];
    const view = form && r.map(node, path, [op], `a ${op} step`);
    const value = view && form ? r.field(view, op, form.schema) : undefined;
    if (value === undefined || !view) return null;
    return op === 'note' ? { op: 'note', text: value, loc } : bookmark(c, value, r.at(view, op), [...path, op], loc);
  }
  const view = r.map(node, path, STEP_KEYS[op], `a ${op} step`);
  if (!view) return null;
  switch (op) {
    case 'gpu.kernel':
      return readKernel(c, view, loc);
    case 'cpu.read':
    case 'cpu.write': {
      const access = readAccess(r, view, c.regions, c.budget, op === 'cpu.read' ? 'read' : 'write');
      return access ? { op, access, loc } : null;
    }
    case 'uvm.prefetch':
      return readPrefetch(c, view, loc);
    case 'uvm.advise':
      return readAdvise(c, view, loc);
    case 'note': {
      const value = r.field(view, 'text', NOTE_FIELDS.text);
      return value === undefined ? null : { op: 'note', text: value, loc };
    }
    case 'bookmark': {
      const value = r.field(view, 'name', BOOKMARK_FIELDS.name);
      return value === undefined ? null : bookmark(c, value, r.at(view, 'name'), [...path, 'name'], loc);
    }
  }
}

/** Reads `steps`; returns null when any step was reported. Stops early once the error list is full. */
export function readSteps(c: StepContext, node: Node | null, path: Path, parent: Node): StepSpec[] | null {
  const { r } = c;
  if (node === null) {
    r.error(parent, path, 'missing required field `steps`: a list of steps (use `steps: []` for none)');
    return null;
  }
  const items = r.seq(node, path, 'a list of steps');
  if (!items) return null;
  const steps: StepSpec[] = [];
  let ok = true;
  for (let i = 0; i < items.length && !r.sink.full; i++) {
    const item = items[i];
    const step = item ? readStep(c, item, [...path, i]) : null;
    if (step) steps.push(step);
    else ok = false;
  }
  return ok ? steps : null;
}
