/**
 * Reading GAIA's transitions (gaia/kinds.ts, state 54–57, events 165–189) and gdrcopy's (gdr/kinds.ts, state 50–53,
 * events 155–164; decoded by gdr/describe.ts, wrapped here).
 *
 * GAIA's events carry UVM processor ids (1-based: gaia.ts passes the scenario's GPU; retrieved's source may be 0, the
 * CPU), named with m.gpuName; the page cache's own GPU indices (0-based) are converted in describe-pagecache.ts.
 */

import { popcount32 } from '../core/bits';
import { EVENT_HEAP } from '../core/store';
import type { Model } from '../uvm/model';
import { PAGES_PER_BLOCK } from '../uvm/model';
import type { RawTransition } from './describe';
import { GET_PAGE_FAILURES, GK as GAIA, REFUSALS } from '../gaia/kinds';
import { GK as GDR } from '../gdr/kinds';
import { describeGdrEvent, describeGdrWrite, GDR_DECODED_FIELDS } from '../gdr/describe';
import type { GdrState } from '../gdr/state';
import { heapId, indices, kib, perKind, plural, procName, regionName, registerKinds, type Decoded, type Fields, type KindDescriber } from './describe-support';

const GPU_GROUP = 16; // file pages per 64 KiB GPU page (pagecache/radix.ts GPU_GROUP)

// ---------------------------------------------------------------- GAIA

/** A region's fields: its index and its name (as the scenario names it). */
const region = (m: Model, r: number): Fields => ({ region: r, regionName: regionName(m, r) });

function gaiaMapWrite(t: RawTransition, m: Model): Decoded {
  const fields: Fields = { ...region(m, t.idx), gpu: t.after ? procName(m, t.after) : 'none' };
  const name = regionName(m, t.idx);
  return { fields, text: t.after ? `file region ${name} shared with ${procName(m, t.after)} (gmmap)` : `file region ${name} no longer shared with ${procName(m, t.before)}` };
}

/** A va_block's GAIA masks (fromCache, gpuWritten), decoded like describe.ts decodes block words. */
function gaiaBlockWrite(t: RawTransition, m: Model): Decoded {
  if (t.heap !== m.hBlocks) return { fields: { block: t.obj }, text: `GAIA block ${t.obj} word ${t.idx}: ${t.before} → ${t.after}` };
  const d = m.layout.describe(t.idx);
  const gained = (t.after & ~t.before) >>> 0;
  const lost = (t.before & ~t.after) >>> 0;
  const bits = gained || lost;
  const page = Math.max(0, d.pageWord) * 32 + (31 - Math.clz32(bits & -bits));
  const fields: Fields = { block: d.block, field: d.field, page, gained: popcount32(gained), lost: popcount32(lost) };
  const r = m.regions[m.blockRegion[d.block]];
  const index = r ? (d.block - r.firstBlock) * PAGES_PER_BLOCK + page : -1;
  if (r) Object.assign(fields, { region: r.index, index });
  const n = popcount32(gained | lost);
  const where = `block ${d.block} ${n > 1 ? `${n} pages from page ${page}` : `page ${page}`}${r ? ` (${r.name} ${n > 1 ? 'from ' : ''}index ${index})` : ''}`;
  if (d.field === 'fromCache') return { fields, text: gained ? `${where} filled from the page cache` : `${where} to be filled from the page cache again` };
  if (d.field === 'gpuWritten') return { fields, text: gained ? `${where} written by the GPU since its shadow` : `${where} no longer differs from its shadow` };
  return { fields, text: `${where} ${d.field}: +${popcount32(gained)} −${popcount32(lost)}` };
}

type GaiaKind = keyof typeof GAIA;

const REGION = ['region', 'regionName'];
export const GAIA_FIELDS: Readonly<Record<GaiaKind, readonly string[]>> = {
  gaiaMap: [...REGION, 'gpu'],
  gaiaBlock: ['block', 'field', 'page', 'gained', 'lost', 'region', 'index'],
  regionMapping: [...REGION, 'vma'],
  gaiaMapped: [...REGION, 'gpu', 'vma', 'pages'],
  populate: ['block', 'page', 'pfn', 'index'],
  maquireDrop: [...REGION, 'index', 'gpu', 'dropped'],
  maquireMissing: [...REGION, 'index', 'gpu'],
  maquireDone: [...REGION, 'dropped', 'missing', 'result'],
  mreleaseCheck: [...REGION, 'index', 'gpu', 'dirty'],
  mreleaseDone: [...REGION, 'released', 'skipped', 'ptes'],
  getPageFailed: ['file', 'index', 'reason', 'pfn'],
  retrieved: ['file', 'index', 'source', 'bytes'],
  invalidated: ['block', 'page', 'gpu', 'pages'],
  callRefused: [...REGION, 'reason'],
  gaiaInject: [...REGION, 'field', 'before', 'after'],
  injectionFired: [...REGION, 'index', 'check'],
};

const GAIA_DESCRIBERS: Readonly<Record<GaiaKind, KindDescriber>> = {
  gaiaMap: gaiaMapWrite,
  gaiaBlock: gaiaBlockWrite,
  regionMapping: (t, m) => ({
    fields: { ...region(m, t.idx), vma: t.after ? t.after - 1 : -1 },
    text: t.after ? `region ${regionName(m, t.idx)} mapped by the process (cpu.mmap): VMA ${t.after - 1}` : `region ${regionName(m, t.idx)} unmapped by the process (cpu.munmap)`,
  }),
  gaiaMapped: (t, m) => ({
    fields: { ...region(m, t.obj), gpu: procName(m, t.idx), vma: t.before, pages: t.after },
    text: `gmmap done: file region ${regionName(m, t.obj)} (${plural(t.after, 'page')}) shared with ${procName(m, t.idx)}, CPU VMA ${t.before}`,
  }),
  populate: (t) => ({
    fields: { block: t.obj, page: t.idx, pfn: t.before, index: t.after },
    text: `uvm_populate_page_from_cache: block ${t.obj} page ${t.idx} filled from file index ${t.after} (page pfn ${t.before})`,
  }),
  maquireDrop: (t, m) => ({
    fields: { ...region(m, t.obj), index: t.idx, gpu: procName(m, t.before), dropped: t.after },
    text: `maquire dropped GPU page of ${indices(t.idx, GPU_GROUP)} (${procName(m, t.before)}), ${t.after} dropped so far`,
  }),
  maquireMissing: (t, m) => ({
    fields: { ...region(m, t.obj), index: t.idx, gpu: procName(m, t.before) },
    text: `maquire: index ${t.idx} of ${regionName(m, t.obj)} is CPU-dirty but ${procName(m, t.before)} has no copy (gpu_missing)`,
  }),
  maquireDone: (t, m) => ({
    fields: { ...region(m, t.obj), dropped: t.idx, missing: t.before, result: t.after },
    text: `maquire on ${regionName(m, t.obj)} returns ${t.after}: ${plural(t.idx, 'GPU page')} dropped, ${t.before} CPU-dirty ${t.before === 1 ? 'index' : 'indices'} without a GPU copy`,
  }),
  mreleaseCheck: (t, m) => ({
    fields: { ...region(m, t.obj), index: t.idx, gpu: procName(m, t.before), dirty: t.after },
    text: `mrelease: is_gpu_page_dirty finds the ${procName(m, t.before)} page of ${indices(t.idx, GPU_GROUP)} ${t.after ? 'dirty: the GPU wrote it' : 'clean'}`,
  }),
  mreleaseDone: (t, m) => ({
    fields: { ...region(m, t.obj), released: t.idx, skipped: t.before, ptes: t.after },
    text: `mrelease on ${regionName(m, t.obj)} done: ${plural(t.idx, 'GPU page')} published, ${t.before} skipped, ${plural(t.after, 'CPU PTE')} unmapped`,
  }),
  getPageFailed: (t) => {
    const reason = GET_PAGE_FAILURES[t.before] ?? `reason ${t.before}`;
    return { fields: { file: t.obj, index: t.idx, reason, pfn: t.after }, text: `get_page_from_gpu gave up: ${reason} for file ${t.obj} index ${t.idx}` };
  },
  retrieved: (t, m) => ({
    fields: { file: t.obj, index: t.idx, source: procName(m, t.before), bytes: t.after },
    text: t.before
      ? `retrive_cached_page: file ${t.obj} index ${t.idx} read from ${procName(m, t.before)} (${kib(t.after)}) and merged into the CPU page`
      : `retrive_cached_page: file ${t.obj} index ${t.idx} merged from UVM's own CPU page (nothing crossed the link)`,
  }),
  invalidated: (t, m) => ({
    fields: { block: t.obj, page: t.idx, gpu: procName(m, t.before), pages: t.after },
    text: `invalidate_cached_page: block ${t.obj} leaves ${procName(m, t.before)}, ${plural(t.after, 'page')} from page ${t.idx} evicted to the CPU`,
  }),
  gaiaInject: (t, m) => {
    const field = ['check', 'first_index', 'end_index'][t.idx % 3] ?? 'word';
    const show = (v: number) => (field === 'check' ? (v ? GET_PAGE_FAILURES[v - 1] ?? `check ${v - 1}` : 'none') : String(v));
    return {
      fields: { ...region(m, t.obj), field, before: t.before, after: t.after },
      text: `fault injection on ${regionName(m, t.obj)}: ${field} ${show(t.before)} → ${show(t.after)}`,
    };
  },
  injectionFired: (t, m) => ({
    fields: { ...region(m, t.obj), index: t.idx, check: GET_PAGE_FAILURES[t.before] ?? `check ${t.before}` },
    text: `injected fault fires: get_page_from_gpu on ${regionName(m, t.obj)} index ${t.idx} will find "${GET_PAGE_FAILURES[t.before] ?? t.before}"`,
  }),
  callRefused: (t, m) => {
    const reason = REFUSALS[t.before] ?? `reason ${t.before}`;
    return { fields: { ...region(m, t.obj), reason }, text: `GAIA call on ${regionName(m, t.obj)} refused: ${reason}` };
  },
};

registerKinds(GAIA, GAIA_FIELDS, GAIA_DESCRIBERS);

// ---------------------------------------------------------------- gdrcopy

type GdrKind = keyof typeof GDR;

/**
 * gdr/describe.ts names gdrError's operation `op`, which a breakpoint condition cannot reach: `op` is every
 * transition's scenario step (bp-fields.ts), and the step wins. Here it is `operation`.
 */
const renameOp = (fields: readonly string[]): string[] => fields.map((f) => (f === 'op' ? 'operation' : f));

export const GDR_FIELDS: Readonly<Record<GdrKind, readonly string[]>> = perKind(GDR, (k) => renameOp(GDR_DECODED_FIELDS[k]));

/** The gdr heaps of a run by name (gdr/state.ts), in the shape describeGdrWrite reads. */
function gdrHeaps(m: Model): GdrState {
  const id = (name: string) => heapId(m.store, name);
  const heaps = { hHdr: id('gdr.header'), hFiles: id('gdr.files'), hBuffers: id('gdr.buffers'), hMrs: id('gdr.mrs'), hPt: id('gdr.pageTables'), hVmas: id('gdr.vmas'), hBits: id('gdr.ptes') };
  return heaps as unknown as GdrState; // describeGdrWrite reads only the heap ids
}

function describeGdr(t: RawTransition, m: Model): Decoded {
  const d = t.heap === EVENT_HEAP ? describeGdrEvent(t.kind, t.obj, t.idx, t.before, t.after) : describeGdrWrite(gdrHeaps(m), t.heap, t.idx, t.obj, t.before, t.after);
  if (!d) return { fields: { obj: t.obj }, text: `gdrcopy ${m.store.heapName(t.heap)}[${t.idx}]: ${t.before} → ${t.after}` };
  if (!Object.hasOwn(d.fields, 'op')) return d;
  const { op, ...rest } = d.fields;
  return { fields: { ...rest, operation: op }, text: d.text };
}

registerKinds(GDR, GDR_FIELDS, perKind(GDR, () => describeGdr));
