/**
 * `steps`: what happens, in order. Each step is a map with an `op` and that op's fields, or one of the short forms
 * `- note: text` and `- bookmark: name`. References (regions, GPUs) are resolved to indices here, and every step
 * keeps the line and column it came from so the UI can show it and breakpoints can name it.
 */
import { z } from 'zod';
import { isMap, isScalar, type Node } from 'yaml';
import { accessExtent, ACCESS_KEYS, readAccess, type PageBudget } from './access';
import { MAX_CHUNK_INDEX, MAX_FAULT_WINDOW_PAGES } from './defaults';
import { describeValue, didYouMean, type Path } from './errors';
import { int, size, text } from './fields';
import { resolveProcessor, type GpuNames } from './machine';
import type { MapView, Reader } from './reader';
import { aKind, checkRegionKind, resolveRegion, type RegionTable } from './regions';
import { ASK_KINDS, GAIA_FAULTS, type AccessSpec, type GpuSpec, type ProcId, type RegionKind, type SourceLoc, type StepSpec } from './types';

export const STEP_OPS = [
  'gpu.kernel',
  'cpu.read',
  'cpu.write',
  'uvm.prefetch',
  'uvm.advise',
  'uvm.open',
  'cpu.mmap',
  'cpu.munmap',
  'cpu.msync',
  'gaia.map',
  'gaia.maquire',
  'gaia.mrelease',
  'gaia.inject',
  'hmm.migrate',
  'hmm.evict',
  'gdr.pin',
  'gdr.map',
  'gdr.copy',
  'gdr.unpin',
  'note',
  'bookmark',
  'ask',
] as const;
export type StepOp = (typeof STEP_OPS)[number];

const RANGE_KEYS = ['offset', 'length'] as const;

/** The keys each op takes, `op` itself included. */
const STEP_KEYS: Readonly<Record<StepOp, readonly string[]>> = Object.freeze({
  'gpu.kernel': ['op', 'gpu', 'access', 'accesses', 'faultWindowPages'],
  'cpu.read': [...ACCESS_KEYS, 'process'],
  'cpu.write': [...ACCESS_KEYS, 'process'],
  'uvm.prefetch': ['op', 'region', 'to', ...RANGE_KEYS],
  'uvm.advise': ['op', 'region', 'advice', 'target'],
  'uvm.open': ['op', 'process'],
  'cpu.mmap': ['op', 'region'],
  'cpu.munmap': ['op', 'region'],
  'cpu.msync': ['op', 'region', ...RANGE_KEYS],
  'gaia.map': ['op', 'region', 'gpu'],
  'gaia.maquire': ['op', 'region', ...RANGE_KEYS, 'gpu'],
  'gaia.mrelease': ['op', 'region', ...RANGE_KEYS, 'gpu'],
  'gaia.inject': ['op', 'region', 'fault', ...RANGE_KEYS],
  'hmm.migrate': ['op', 'region', 'to', ...RANGE_KEYS],
  'hmm.evict': ['op', 'gpu', 'chunk'],
  'gdr.pin': ['op', 'region', 'process'],
  'gdr.map': ['op', 'region', 'process'],
  'gdr.copy': ['op', 'region', 'direction', ...RANGE_KEYS, 'process'],
  'gdr.unpin': ['op', 'region', 'process'],
  note: ['op', 'text'],
  bookmark: ['op', 'name'],
  ask: ['op', 'predict', 'through', 'prompt'],
});

/**
 * The region kind each op that names a region needs; ops that are absent take any kind (accesses, uvm.prefetch,
 * uvm.advise). A region of another kind is a located error.
 */
export const STEP_REGION_KIND: Readonly<Partial<Record<StepOp, RegionKind>>> = Object.freeze({
  'cpu.mmap': 'file',
  'cpu.munmap': 'file',
  'cpu.msync': 'file',
  'gaia.map': 'file',
  'gaia.maquire': 'file',
  'gaia.mrelease': 'file',
  'gaia.inject': 'file',
  'hmm.migrate': 'anonymous',
  'gdr.pin': 'device',
  'gdr.map': 'device',
  'gdr.copy': 'device',
  'gdr.unpin': 'device',
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

/** Which process a gdrcopy op or a CPU access runs in: each has its own open files (default the first). */
const PROCESS = int(1, 2).default(1);
/** `uvm.open`'s process: process 1 opened /dev/nvidia-uvm when the scenario started. */
const SECOND_PROCESS = z
  .number({ error: (issue) => (issue.input === undefined ? 'the process that opens /dev/nvidia-uvm: 2' : undefined) })
  .refine((v) => v === 2, { message: 'must be 2: process 1 opened /dev/nvidia-uvm when the scenario started (cuInit)' })
  .default(2);
const INJECT_FAULT = z.enum(GAIA_FAULTS, {
  error: (issue) => (issue.input === undefined ? `which check of get_page_from_gpu fails: ${GAIA_FAULTS.join(', ')}` : undefined),
});

/** gdr.copy's directions: gdr_copy_to_mapping (CPU → GPU memory) and gdr_copy_from_mapping (GPU memory → CPU). */
export const GDR_DIRECTIONS = ['to-gpu', 'from-gpu'] as const;

/** A required string field whose message, when it is missing, says what it takes. */
function required(help: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? help : undefined) });
}
function regionOfKindField(kind: RegionKind) {
  return required(`the name of ${aKind(kind)}`);
}

const KERNEL_FIELDS = { gpu: text.optional(), faultWindowPages: int(1, MAX_FAULT_WINDOW_PAGES).optional() };
const PREFETCH_FIELDS = { region: text, to: text, offset: size().optional(), length: size({ min: 1 }).optional() };
const ADVISE_FIELDS = { region: text, advice: z.enum(ADVICE), target: text.optional() };
const NOTE_FIELDS = { text };
const BOOKMARK_FIELDS = { name: z.string().min(1) };
const ASK_KIND = z.enum(ASK_KINDS, {
  error: (issue) => (issue.input === undefined ? `what to predict: ${ASK_KINDS.join(', ')}` : undefined),
});
const ASK_FIELDS = { predict: ASK_KIND, through: z.string().min(1).optional(), prompt: text.optional() };
const ASK_KEYS = ['predict', 'through', 'prompt'] as const;
const RANGE_FIELDS = { offset: size().optional(), length: size({ min: 1 }).optional() };
const GPU_FIELD = { gpu: text.optional() };
const MIGRATE_TO = required('where to migrate: cpu or a GPU\'s name');
const EVICT_FIELDS = {
  gpu: text.optional(),
  chunk: z
    .number({ error: (issue) => (issue.input === undefined ? 'the index of a device-private chunk, e.g. chunk: 0' : undefined) })
    .int()
    .min(0)
    .max(MAX_CHUNK_INDEX),
};
const DIRECTION = z.enum(GDR_DIRECTIONS, {
  error: (issue) => (issue.input === undefined ? 'to-gpu (CPU to GPU memory) or from-gpu (GPU memory to CPU)' : undefined),
});
/** The short forms: a one-key map whose key is the op and whose value is that op's one field. */
const SHORT_FORMS: Readonly<Record<string, { field: string; schema: z.ZodType<string> }>> = Object.freeze({
  note: { field: 'text', schema: text },
  bookmark: { field: 'name', schema: BOOKMARK_FIELDS.name },
  ask: { field: 'predict', schema: ASK_KIND },
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
  /** The `ask` steps read so far, with the nodes to report at once every step is read (checkAsks). */
  asks?: PendingAsk[];
}

/** An `ask` step waiting for the steps after it: it needs an op that does something, and its bookmark after that. */
interface PendingAsk {
  /** Its index in `steps`. */
  index: number;
  node: Node;
  path: Path;
  through?: { name: string; node: Node; path: Path };
}

/** Resolves `gpu`, `to` or `target` to a processor id; null (unreported) when the GPUs themselves were unreadable. */
function resolveProc(
  c: StepContext,
  view: MapView,
  key: string,
  name: string,
  allowCpu: boolean,
  role = 'a kernel runs on one of',
): ProcId | null | undefined {
  return resolveProcessor(c.r, c.gpus, name, c.r.at(view, key), [...view.path, key], allowCpu, role);
}

/** `gpu` of a step that defaults to the first GPU: the id, or null/undefined as resolveProc gives them. */
function optionalGpu(c: StepContext, view: MapView, name: string | undefined, role: string): ProcId | null | undefined {
  if (!view.entries.has('gpu')) return 1;
  return name === undefined ? undefined : resolveProc(c, view, 'gpu', name, false, role);
}

function regionOf(c: StepContext, view: MapView, name: string | undefined): number | null | undefined {
  if (name === undefined) return undefined;
  return resolveRegion(c.r, c.regions, name, c.r.at(view, 'region'), [...view.path, 'region']);
}

/**
 * The region of an op that needs one kind of region: the index when it is defined and of that kind, else undefined
 * (reported) or null (not checkable: the regions, or this region's kind, were unreadable).
 */
function regionOfKind(c: StepContext, view: MapView, op: StepOp, kind: RegionKind): number | null | undefined {
  const name = c.r.field(view, 'region', regionOfKindField(kind));
  const index = regionOf(c, view, name);
  if (index === null || index === undefined) return index;
  const at = c.r.at(view, 'region');
  return checkRegionKind(c.r, c.regions, index, kind, op, at, [...view.path, 'region']) ? index : undefined;
}

/** [offset, offset + length) of a step's range within region `index` (default the whole region), or null. */
function rangeIn(c: StepContext, view: MapView, index: number): { offset: number; length: number } | null {
  const v = c.r.fields(view, RANGE_FIELDS);
  if (c.r.anyInvalid(view, v, RANGE_KEYS)) return null;
  const entry = c.regions.entries[index];
  if (entry?.size === undefined) return null;
  return accessExtent(c.r, view, v.offset, v.length, entry.size, entry.name ?? '?');
}

/** Reads the range fields when the region could not be resolved, so their own errors show in the same pass. */
function checkRangeFields(c: StepContext, view: MapView): void {
  c.r.fields(view, RANGE_FIELDS);
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

function isId(x: number | null | undefined): x is number {
  return typeof x === 'number';
}

/** cpu.mmap, cpu.munmap, gdr.pin, gdr.map, gdr.unpin: a region of the op's kind and nothing else. */
function readRegionOp(
  c: StepContext,
  view: MapView,
  op: 'cpu.mmap' | 'cpu.munmap' | 'gdr.pin' | 'gdr.map' | 'gdr.unpin',
  kind: RegionKind,
  loc: SourceLoc,
): StepSpec | null {
  const region = regionOfKind(c, view, op, kind);
  if (!isId(region)) return null;
  if (op === 'cpu.mmap' || op === 'cpu.munmap') return { op, region, loc };
  const process = c.r.field(view, 'process', PROCESS);
  return process === undefined ? null : { op, region, process, loc };
}

/** cpu.msync: a file region and a range of it (default the whole region). */
function readMsync(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const region = regionOfKind(c, view, 'cpu.msync', 'file');
  if (!isId(region)) {
    checkRangeFields(c, view);
    return null;
  }
  const range = rangeIn(c, view, region);
  return range ? { op: 'cpu.msync', region, offset: range.offset, length: range.length, loc } : null;
}

const GAIA_ROLE = 'GAIA maps a file for one of';

function readGaiaMap(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const region = regionOfKind(c, view, 'gaia.map', 'file');
  const gpu = optionalGpu(c, view, c.r.fields(view, GPU_FIELD).gpu, GAIA_ROLE);
  return isId(region) && isId(gpu) ? { op: 'gaia.map', region, gpu, loc } : null;
}

/** gaia.maquire and gaia.mrelease: a file region, a range of it and the GPU whose view it is. */
function readGaiaRange(
  c: StepContext,
  view: MapView,
  op: 'gaia.maquire' | 'gaia.mrelease',
  loc: SourceLoc,
): StepSpec | null {
  const region = regionOfKind(c, view, op, 'file');
  const gpu = optionalGpu(c, view, c.r.fields(view, GPU_FIELD).gpu, GAIA_ROLE);
  if (!isId(region)) {
    checkRangeFields(c, view);
    return null;
  }
  const range = rangeIn(c, view, region);
  if (!range || !isId(gpu)) return null;
  return { op, region, offset: range.offset, length: range.length, gpu, loc };
}

/** hmm.migrate: an anonymous region's range to a GPU (device-private memory) or back to the CPU. */
function readMigrate(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const region = regionOfKind(c, view, 'hmm.migrate', 'anonymous');
  const toName = c.r.field(view, 'to', MIGRATE_TO);
  const to = toName === undefined ? undefined : resolveProc(c, view, 'to', toName, true);
  if (!isId(region)) {
    checkRangeFields(c, view);
    return null;
  }
  const range = rangeIn(c, view, region);
  if (!range || !isId(to)) return null;
  return { op: 'hmm.migrate', region, to, offset: range.offset, length: range.length, loc };
}

function readEvict(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const v = c.r.fields(view, EVICT_FIELDS);
  const gpu = optionalGpu(c, view, v.gpu, 'hmm.evict evicts the device-private memory of one of');
  if (!isId(gpu) || v.chunk === undefined) return null;
  return { op: 'hmm.evict', gpu, chunk: v.chunk, loc };
}

/** gdr.copy: a device region's range, copied through the gdrcopy mapping in one direction. */
function readGdrCopy(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const region = regionOfKind(c, view, 'gdr.copy', 'device');
  const direction = c.r.field(view, 'direction', DIRECTION);
  if (!isId(region)) {
    checkRangeFields(c, view);
    return null;
  }
  const range = rangeIn(c, view, region);
  const process = c.r.field(view, 'process', PROCESS);
  if (!range || direction === undefined || process === undefined) return null;
  return { op: 'gdr.copy', region, direction, offset: range.offset, length: range.length, process, loc };
}

/** gaia.inject: a file region, the check that fails, and the file range whose next get_page_from_gpu it hits. */
function readInject(c: StepContext, view: MapView, loc: SourceLoc): StepSpec | null {
  const region = regionOfKind(c, view, 'gaia.inject', 'file');
  const fault = c.r.field(view, 'fault', INJECT_FAULT);
  if (!isId(region)) {
    checkRangeFields(c, view);
    return null;
  }
  const range = rangeIn(c, view, region);
  if (!range || fault === undefined) return null;
  return { op: 'gaia.inject', region, fault, offset: range.offset, length: range.length, loc };
}

/** cpu.read and cpu.write: an access, and the process making it (process 2 has only its managed memory). */
function readCpuAccess(c: StepContext, view: MapView, op: 'cpu.read' | 'cpu.write', loc: SourceLoc): StepSpec | null {
  const access = readAccess(c.r, view, c.regions, c.budget, op === 'cpu.read' ? 'read' : 'write');
  const process = c.r.field(view, 'process', PROCESS);
  if (!access || process === undefined) return null;
  const entry = c.regions.entries[access.region];
  if (process !== 1 && entry?.kind !== undefined && entry.kind !== 'managed') {
    const message = `process ${process} maps only managed memory (the regions uvm.open gives it); "${entry.name ?? '?'}" is ${entry.kind}`;
    c.r.error(c.r.at(view, 'process'), [...view.path, 'process'], message);
    return null;
  }
  return { op, access, process, loc };
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
    const forms = '(or the short forms `note: text`, `bookmark: name` and `ask: predict`)';
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
  if (short && op === 'ask') return readAskShort(c, node, path, loc);
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
    case 'cpu.write':
      return readCpuAccess(c, view, op, loc);
    case 'uvm.open': {
      const process = r.field(view, 'process', SECOND_PROCESS);
      return process === undefined ? null : { op: 'uvm.open', process, loc };
    }
    case 'gaia.inject':
      return readInject(c, view, loc);
    case 'uvm.prefetch':
      return readPrefetch(c, view, loc);
    case 'uvm.advise':
      return readAdvise(c, view, loc);
    case 'cpu.mmap':
    case 'cpu.munmap':
      return readRegionOp(c, view, op, 'file', loc);
    case 'gdr.pin':
    case 'gdr.map':
    case 'gdr.unpin':
      return readRegionOp(c, view, op, 'device', loc);
    case 'cpu.msync':
      return readMsync(c, view, loc);
    case 'gaia.map':
      return readGaiaMap(c, view, loc);
    case 'gaia.maquire':
    case 'gaia.mrelease':
      return readGaiaRange(c, view, op, loc);
    case 'hmm.migrate':
      return readMigrate(c, view, loc);
    case 'hmm.evict':
      return readEvict(c, view, loc);
    case 'gdr.copy':
      return readGdrCopy(c, view, loc);
    case 'note': {
      const value = r.field(view, 'text', NOTE_FIELDS.text);
      return value === undefined ? null : { op: 'note', text: value, loc };
    }
    case 'bookmark': {
      const value = r.field(view, 'name', BOOKMARK_FIELDS.name);
      return value === undefined ? null : bookmark(c, value, r.at(view, 'name'), [...path, 'name'], loc);
    }
    case 'ask':
      return readAsk(c, view, node, path, loc);
  }
}

/** `- ask: moves` or `- ask: { predict: moves, through: bookmark, prompt: text }`. */
function readAskShort(c: StepContext, node: Node, path: Path, loc: SourceLoc): StepSpec | null {
  const { r } = c;
  const outer = r.map(node, path, ['ask'], 'an ask step');
  if (!outer) return null;
  const value = r.valueNode(outer, 'ask');
  if (isMap(r.deref(value))) {
    const view = r.map(value, [...path, 'ask'], ASK_KEYS, 'a question (a map with predict, through, prompt)');
    return view ? readAsk(c, view, node, path, loc) : null;
  }
  const kind = r.field(outer, 'ask', ASK_KIND);
  if (kind === undefined) return null;
  (c.asks ??= []).push({ index: -1, node, path });
  return { op: 'ask', kind, loc };
}

function readAsk(c: StepContext, view: MapView, node: Node, path: Path, loc: SourceLoc): StepSpec | null {
  const { r } = c;
  const v = r.fields(view, ASK_FIELDS);
  if (v.predict === undefined || r.anyInvalid(view, v, ASK_KEYS)) return null;
  const pending: PendingAsk = { index: -1, node, path };
  if (v.through !== undefined) pending.through = { name: v.through, node: r.at(view, 'through') ?? node, path: [...view.path, 'through'] };
  (c.asks ??= []).push(pending);
  return { op: 'ask', kind: v.predict, ...(v.through !== undefined ? { through: v.through } : {}), ...(v.prompt !== undefined ? { prompt: v.prompt } : {}), loc };
}

/** An op that changes the model: an ask's span ends with one. Notes, bookmarks and asks only narrate. */
export function actsOnModel(step: StepSpec): boolean {
  return step.op !== 'note' && step.op !== 'bookmark' && step.op !== 'ask';
}

/**
 * Every ask needs an op after it that does something before the end (or before its bookmark), and its bookmark, if
 * it names one, must come after it. Reports at the ask (or at its `through`); returns false when any was reported.
 */
function checkAsks(c: StepContext, steps: readonly StepSpec[], asks: readonly PendingAsk[]): boolean {
  const { r } = c;
  let ok = true;
  for (const ask of asks) {
    const i = ask.index;
    const acts = steps.findIndex((s, k) => k > i && actsOnModel(s));
    if (acts < 0) {
      r.error(ask.node, ask.path, 'an ask needs an op after it that does something (a kernel, an access, a prefetch…): it asks what that op will do');
      ok = false;
      continue;
    }
    if (!ask.through) continue;
    const { name, node, path } = ask.through;
    const at = steps.findIndex((s) => s.op === 'bookmark' && s.name === name);
    if (at < 0) {
      const names = steps.flatMap((s, k) => (s.op === 'bookmark' && k > i ? [s.name] : []));
      const known = names.length === 0 ? 'no bookmark follows this ask' : `bookmarks after it: ${names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ')}`;
      r.error(node, path, `bookmark "${name}" is not defined (${known})${didYouMean(name, names)}`);
      ok = false;
    } else if (at < acts) {
      const where = at < i ? 'comes before this ask' : 'comes before the op it asks about';
      r.error(node, path, `bookmark "${name}" ${where}: the span runs from the ask to the bookmark, so the bookmark must follow an op that does something`);
      ok = false;
    }
  }
  return ok;
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
  const asks: PendingAsk[] = [];
  let ok = true;
  for (let i = 0; i < items.length && !r.sink.full; i++) {
    const item = items[i];
    c.asks = [];
    const step = item ? readStep(c, item, [...path, i]) : null;
    for (const a of c.asks) asks.push({ ...a, index: steps.length });
    if (step) steps.push(step);
    else ok = false;
  }
  c.asks = undefined;
  return ok && checkAsks(c, steps, asks) ? steps : null;
}
