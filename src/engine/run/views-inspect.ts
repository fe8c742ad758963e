/**
 * The inspector's view of any model object a panel can select: a va_block, a page (of a managed or a file region), a
 * PMM root chunk, a radix-tree node, a GPU page table, or a transition. For each: its fields at the cursor, its
 * history (every transition that changed it, and the events that name it), and a breakpoint spec that stops when
 * it changes.
 *
 * History is found with one pass over the raw transition columns per object, never per cursor move: the log is
 * recorded once and never changes, so the list of transition indices is cached per run and object (a small LRU),
 * and a cursor move only binary-searches it. A pass reads five typed-array columns per transition (about 10 ns), so
 * a first look at an object in a run of ten million transitions costs about a tenth of a second.
 */

import { EVENT_HEAP, type Store } from '../core/store';
import { MEMMAP_HEADER } from './describe-cpu';
import { radixNode } from './describe-pagecache';
import type { RawTransition } from './describe';
import { EVENT_KINDS_WITH_BLOCK_OBJ, formatBreakpoint, parseBreakpointSpec, validateBreakpoint } from './breakpoints';
import { blockView, pageTreeView, pmmView, type PageRuns } from './views';
import type { Run } from './run';
import { K, kindByName, kindName } from '../uvm/kinds';
import { PK } from '../pagecache/kinds';
import { GK } from '../gaia/kinds';
import { MK } from '../cpu/kinds';
import { P_COUNT, P_FLAGS, P_INDEX, P_MAPCOUNT, P_MAPPING, PAGE_WORDS, PG, PG_NAMES } from '../cpu/memmap';
import { GPU_GROUP, GPU_SLOTS, MAP_SIZE, MAX_TAGS, N_BASE, N_COUNT, N_COUNT_GPU, N_FILE, N_GPU, N_HEIGHT, N_OFFSET, N_PARENT, N_SLOTS, N_TAGS, TAG_NAMES } from '../pagecache/radix';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from '../uvm/layout';
import { mappingOfRegion, nodeWordOf, pageCacheOf } from './views-pagecache';

/** A selectable model object (the protocol's ObjectRef, as the engine sees it). */
export type InspectRef =
  | { readonly kind: 'block'; readonly block: number }
  | { readonly kind: 'page'; readonly region: number; readonly page: number }
  | { readonly kind: 'chunk'; readonly gpu: number; readonly chunk: number }
  | { readonly kind: 'radixNode'; readonly region: number; readonly node: number }
  | { readonly kind: 'pageTable'; readonly gpu: number; readonly table: number }
  | { readonly kind: 'transition'; readonly transition: number };

export interface ObjectField {
  name: string;
  value: string;
}

export interface ObjectInfo {
  title: string;
  fields: ObjectField[];
  /** A breakpoint spec that stops when the object changes (checked to parse), when one can be written. */
  watchSpec?: string;
}

/** GPU page tables start after this many header words (uvm/pagetree.ts HEADER; checked by the tests). */
export const PAGETREE_HEADER = 2;
const BIT = (k: number) => 2 ** (k % 32);

// ---------------------------------------------------------------- checking a reference

const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Throws a RangeError naming what is wrong with a reference for this run. */
export function checkRef(run: Run, ref: InspectRef): void {
  const m = run.ctx.m;
  const within = (what: string, v: unknown, n: number) => {
    if (!int(v) || v < 0 || v >= n) throw new RangeError(`${what} ${String(v)} is outside 0..${n - 1}`);
  };
  const gpu = (v: unknown) => {
    if (!int(v) || v < 1 || v > m.gpus) throw new RangeError(`GPU ${String(v)} is not a GPU of this run (processors 1..${m.gpus})`);
  };
  switch (ref?.kind) {
    case 'block':
      return within('block', ref.block, m.nBlocks);
    case 'page': {
      within('region', ref.region, run.scenario.regions.length);
      return within('page', ref.page, Math.max(1, Math.ceil(run.scenario.regions[ref.region].size / 4096)));
    }
    case 'chunk':
      gpu(ref.gpu);
      return within('chunk', ref.chunk, m.rootChunks[ref.gpu - 1]);
    case 'radixNode':
      within('region', ref.region, run.scenario.regions.length);
      if (!int(ref.node) || ref.node < 0) throw new RangeError(`radix node ${String(ref.node)} is not a node id`);
      return;
    case 'pageTable':
      gpu(ref.gpu);
      if (!int(ref.table) || ref.table < 0) throw new RangeError(`page table ${String(ref.table)} is not a table id`);
      return;
    case 'transition':
      return within('transition', ref.transition, run.transitionCount);
    default:
      throw new TypeError(`unknown object kind ${JSON.stringify((ref as { kind?: unknown } | null)?.kind)}`);
  }
}

export function refKey(ref: InspectRef): string {
  switch (ref.kind) {
    case 'block':
      return `block:${ref.block}`;
    case 'page':
      return `page:${ref.region}:${ref.page}`;
    case 'chunk':
      return `chunk:${ref.gpu}:${ref.chunk}`;
    case 'radixNode':
      return `radixNode:${ref.region}:${ref.node}`;
    case 'pageTable':
      return `pageTable:${ref.gpu}:${ref.table}`;
    case 'transition':
      return `transition:${ref.transition}`;
  }
}

// ---------------------------------------------------------------- history

const HISTORY_CACHE = 24;
const historyCache = new WeakMap<Run, Map<string, Uint32Array>>();

/** Every transition that changed the object, and the events that name it, in order (cached; the log never changes). */
export function objectHistory(run: Run, ref: InspectRef): Uint32Array {
  checkRef(run, ref);
  let cache = historyCache.get(run);
  if (!cache) historyCache.set(run, (cache = new Map()));
  const key = refKey(ref);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit;
  }
  const list = scanHistory(run, ref);
  cache.set(key, list);
  while (cache.size > HISTORY_CACHE) cache.delete(cache.keys().next().value as string);
  return list;
}

/** How many of the history's entries are at or before the end of `step` (the rest are its future). */
export function historyUpTo(run: Run, history: Uint32Array, step: number): number {
  const end = run.transitionRange(step)[1];
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid] < end) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Pred = (t: number, store: Store) => boolean;

function collect(run: Run, pred: Pred): Uint32Array {
  const store = run.ctx.store;
  const out: number[] = [];
  for (let t = 0; t < store.length; t++) if (pred(t, store)) out.push(t);
  return Uint32Array.from(out);
}

const raw = (store: Store, t: number): RawTransition => ({
  index: t,
  kind: store.kindOf(t),
  heap: store.heapOf(t),
  idx: store.indexOf(t),
  obj: store.objOf(t),
  before: store.beforeOf(t),
  after: store.afterOf(t),
});

/** Transitions of va_block `block`'s page `page`: the bit of each of its masks, and the events at that page. */
function blockPagePred(run: Run, block: number, page: number): Pred {
  const m = run.ctx.m;
  const L = m.layout;
  const lo = block * L.stride;
  const hi = lo + L.stride;
  const word = page >>> 5;
  const bit = BIT(page);
  const exact = new Set<number>([K.gpuFault, K.cpuFault, K.thrashingDetected, K.throttle, K.faultSkipped, GK.populate]);
  return (t, store) => {
    const heap = store.heapOf(t);
    if (heap === m.hBlocks) {
      const idx = store.indexOf(t);
      if (idx < lo || idx >= hi) return false;
      const d = L.describe(idx);
      return d.pageWord === word && ((store.beforeOf(t) ^ store.afterOf(t)) & bit) !== 0;
    }
    if (heap !== EVENT_HEAP || store.objOf(t) !== block) return false;
    const k = store.kindOf(t);
    if (exact.has(k)) return store.indexOf(t) === page;
    if (k === K.copy) {
      const first = store.indexOf(t);
      return page >= first && page < first + store.afterOf(t) / 4096;
    }
    return false;
  };
}

/** Transitions of page `index` of page-cache file `f` (region `region`): its radix slot, tags, TSVT, struct page… */
function filePagePred(run: Run, region: number, f: number, index: number): Pred {
  const pc = pageCacheOf(run)!;
  const r = pc.radix;
  const m = run.ctx.m;
  const linux = run.platform!.linux!;
  const group = index - (index % GPU_GROUP);
  const memHeap = pc.mem.heap;
  const privHeap = pc.mem.hPrivate;
  const vmaHeap = linux.hRegionVma;
  const procs = r.procs;
  // struct pages as the scan goes: which file page each CPU page stands for now
  const owner = new Map<number, { mapping: number; index: number; gpu: boolean }>();
  const ours = (pfn: number) => {
    const o = owner.get(pfn);
    return !!o && !o.gpu && o.mapping === f + 1 && o.index === index;
  };
  // the process's mappings of the region as the scan goes: VMA starts, and the region's VMA
  const vmaStart = new Map<number, number>();
  let regionVma = -1;
  const leafSlot = (t: number, store: Store, node: number): number => {
    const life = radixNode({ ...raw(store, t), obj: node }, m);
    if (!life || life.file !== f || life.height !== 1 || index < life.base || index >= life.base + MAP_SIZE) return -1;
    return index - life.base;
  };
  const byName = { staleRetry: kindByName('staleRetry') ?? -1, injectionFired: kindByName('injectionFired') ?? -1 };
  const blocks = m.regions[region]?.blocks ?? 0;
  const blockSide = blocks > 0 ? blockPagePred(run, m.regions[region].firstBlock + (index >>> 9), index % PAGES_PER_BLOCK) : null;
  return (t, store) => {
    const heap = store.heapOf(t);
    if (heap === r.hNodes) {
      const at = nodeWordOf(r, store.indexOf(t));
      if (!at || at.w < N_TAGS) return false;
      const s = leafSlot(t, store, at.node);
      if (s < 0) return false;
      if (at.w < N_SLOTS) return (at.w - N_TAGS) % 2 === s >>> 5 && ((store.beforeOf(t) ^ store.afterOf(t)) & BIT(s)) !== 0;
      if (at.w < N_GPU) return at.w - N_SLOTS === s;
      return (at.w - N_GPU) % GPU_SLOTS === Math.floor(s / GPU_GROUP);
    }
    if (heap === r.hTsvt) {
      const idx = store.indexOf(t);
      const node = Math.floor(idx / r.tsvtWords);
      const s = leafSlot(t, store, node);
      return s >= 0 && Math.floor((idx % r.tsvtWords) / (procs * procs)) === s;
    }
    if (heap === memHeap) {
      const idx = store.indexOf(t);
      if (idx < MEMMAP_HEADER) return false;
      const pfn = Math.floor((idx - MEMMAP_HEADER) / PAGE_WORDS);
      const w = (idx - MEMMAP_HEADER) % PAGE_WORDS;
      const was = ours(pfn);
      if (w === P_MAPPING || w === P_INDEX || w === P_FLAGS) {
        const o = owner.get(pfn) ?? { mapping: 0, index: 0, gpu: false };
        // a GPU page (PG_onGPU) stays one until it leaves its file, even after the flag goes
        if (w === P_MAPPING) {
          o.mapping = store.afterOf(t);
          if (o.mapping === 0) o.gpu = false;
        } else if (w === P_INDEX) o.index = store.afterOf(t);
        else if (store.afterOf(t) & PG.onGPU) o.gpu = true;
        owner.set(pfn, o);
      }
      return was || ours(pfn);
    }
    if (heap === privHeap) return ours(store.indexOf(t));
    if (heap === vmaHeap) {
      if (store.indexOf(t) === region) regionVma = store.afterOf(t) - 1;
      return false;
    }
    if (heap === EVENT_HEAP) {
      const k = store.kindOf(t);
      const obj = store.objOf(t);
      const idx = store.indexOf(t);
      switch (k) {
        case MK.vmaCreate:
          vmaStart.set(idx, store.beforeOf(t));
          return false;
        case MK.mmFault: {
          const start = vmaStart.get(idx);
          const va = store.beforeOf(t);
          return idx === regionVma && start !== undefined && va >= start + index * 4096 && va < start + (index + 1) * 4096;
        }
        case MK.mkclean:
          return ours(obj);
        case PK.pageInsert:
        case PK.pageDelete:
        case PK.diskRead:
        case PK.cacheHit:
        case PK.cacheMiss:
        case PK.stale:
        case GK.retrieved:
        case GK.getPageFailed:
          return obj === f && idx === index;
        case PK.gpuInsert:
        case PK.gpuDelete:
          return obj === f && idx === group;
        case PK.diskWrite:
        case MK.unmapMappingRange:
          return obj === f && index >= idx && index < idx + store.beforeOf(t);
        case GK.maquireDrop:
        case GK.mreleaseCheck:
          return obj === region && idx === group;
        case GK.maquireMissing:
          return obj === region && idx === index;
      }
      // kinds that newer engines add (looked up by name, so this file does not depend on them)
      if (k === byName.staleRetry) return obj === f && idx === index;
      if (k === byName.injectionFired) return obj === region && idx === index;
    }
    return blockSide ? blockSide(t, store) : false;
  };
}

function scanHistory(run: Run, ref: InspectRef): Uint32Array {
  const m = run.ctx.m;
  switch (ref.kind) {
    case 'block': {
      const lo = ref.block * m.layout.stride;
      const hi = lo + m.layout.stride;
      const byObj = new Set<number>([...EVENT_KINDS_WITH_BLOCK_OBJ, GK.populate, GK.invalidated]);
      return collect(run, (t, store) => {
        const heap = store.heapOf(t);
        if (heap === m.hBlocks) {
          const idx = store.indexOf(t);
          return idx >= lo && idx < hi;
        }
        if (heap === m.hBlockTime) return store.indexOf(t) === ref.block;
        if (heap !== EVENT_HEAP) return false;
        const k = store.kindOf(t);
        if (k === K.evictChunk) return store.beforeOf(t) - 1 === ref.block;
        return byObj.has(k) && store.objOf(t) === ref.block;
      });
    }
    case 'page': {
      const f = mappingOfRegion(run, ref.region);
      if (f >= 0) return collect(run, filePagePred(run, ref.region, f, ref.page));
      const info = m.regions[ref.region];
      if (!info || info.blocks === 0) return new Uint32Array(0);
      const at = m.locate(ref.region, ref.page);
      return collect(run, blockPagePred(run, at.block, at.page));
    }
    case 'chunk': {
      const heap = m.hPmm[ref.gpu - 1];
      return collect(run, (t, store) => {
        const h = store.heapOf(t);
        if (h === heap) return store.objOf(t) === ref.chunk && store.kindOf(t) !== K.pmmHeader;
        return h === EVENT_HEAP && store.kindOf(t) === K.evictChunk && store.objOf(t) === ref.chunk && store.indexOf(t) === ref.gpu;
      });
    }
    case 'pageTable': {
      const heap = m.hPageTables[ref.gpu - 1];
      return collect(run, (t, store) => {
        const h = store.heapOf(t);
        if (h === heap) return store.objOf(t) === ref.table && store.indexOf(t) >= PAGETREE_HEADER;
        return h === EVENT_HEAP && store.kindOf(t) === K.pageTableAlloc && store.objOf(t) === ref.table && store.indexOf(t) === ref.gpu;
      });
    }
    case 'radixNode': {
      const pc = pageCacheOf(run);
      if (!pc) return new Uint32Array(0);
      const { hNodes, hTsvt } = pc.radix;
      return collect(run, (t, store) => {
        const h = store.heapOf(t);
        if (h === hNodes || h === hTsvt) return store.objOf(t) === ref.node;
        if (h !== EVENT_HEAP) return false;
        const k = store.kindOf(t);
        return (k === PK.nodeAlloc || k === PK.nodeFree) && store.objOf(t) === ref.node;
      });
    }
    case 'transition': {
      const store = run.ctx.store;
      const heap = store.heapOf(ref.transition);
      const kind = store.kindOf(ref.transition);
      const obj = store.objOf(ref.transition);
      const idx = store.indexOf(ref.transition);
      if (heap === EVENT_HEAP) return collect(run, (t, s) => s.heapOf(t) === EVENT_HEAP && s.kindOf(t) === kind && s.objOf(t) === obj);
      return collect(run, (t, s) => s.heapOf(t) === heap && s.indexOf(t) === idx);
    }
  }
}

// ---------------------------------------------------------------- fields at the cursor

const hex = (v: number) => `0x${v.toString(16)}`;
const yes = (b: boolean) => (b ? 'yes' : 'no');

/** Page runs as text: `0–511`, `0–15, 32–47`, `none`. */
export function runsText(runs: PageRuns, limit = 6): string {
  if (!runs.length) return 'none';
  const parts = runs.slice(0, limit).map(([a, b]) => (b - a === 1 ? String(a) : `${a}–${b - 1}`));
  const count = runs.reduce((n, [a, b]) => n + b - a, 0);
  return `${parts.join(', ')}${runs.length > limit ? ', …' : ''} (${count} page${count === 1 ? '' : 's'})`;
}

/** Slots of a 64-bit bitmap as runs. */
function bitRuns(has: (s: number) => boolean, n = MAP_SIZE): PageRuns {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s++) {
    if (!has(s)) continue;
    if (out.length && out[out.length - 1][1] === s) out[out.length - 1][1] = s + 1;
    else out.push([s, s + 1]);
  }
  return out;
}

const flagText = (flags: number) => PG_NAMES.filter((_, k) => (flags >>> k) & 1).map((n) => `PG_${n}`).join(' ') || 'none';

function regionOffset(run: Run, block: number): string {
  const m = run.ctx.m;
  const r = m.regionOfBlock(block);
  const mib = ((block - r.firstBlock) * 2) | 0;
  return `${r.name} +${mib} MiB`;
}

function blockFields(run: Run, block: number): ObjectInfo {
  const v = blockView(run, block);
  const fields: ObjectField[] = [
    { name: 'region', value: v.region },
    { name: 'VA', value: hex(v.va) },
    { name: 'pages', value: String(v.pages) },
  ];
  for (const p of v.processors) {
    fields.push({ name: `${p.name} resident`, value: runsText(p.resident) });
    if (p.mappedRead.length || p.mappedWrite.length) fields.push({ name: `${p.name} mapped`, value: `read ${runsText(p.mappedRead)}; write ${runsText(p.mappedWrite)}; atomic ${runsText(p.mappedAtomic)}` });
    if (p.evicted?.length) fields.push({ name: `${p.name} evicted`, value: runsText(p.evicted) });
    if (p.rootChunk !== undefined && p.rootChunk >= 0) fields.push({ name: `${p.name} root chunk`, value: String(p.rootChunk) });
    if (p.pte && (p.pte.size2m || p.pte.bigPages.length)) fields.push({ name: `${p.name} PTEs`, value: p.pte.size2m ? '2 MiB' : `64 KiB big pages ${p.pte.bigPages.join(', ')}` });
  }
  if (v.readDuplicated.length) fields.push({ name: 'read-duplicated', value: runsText(v.readDuplicated) });
  fields.push({ name: 'CPU allocated', value: runsText(v.cpuAllocated) });
  fields.push({ name: 'prefetch', value: `last destination ${v.prefetch.lastDestination >= 0 ? run.ctx.m.gpuName(v.prefetch.lastDestination) : 'none'}, ${v.prefetch.faultMigrations} fault migrations` });
  return { title: `va_block ${block} (${regionOffset(run, block)})`, fields, watchSpec: checked(run, `watch block ${block}`) };
}

/** The UVM side of one page: per processor, resident / mapped / evicted. */
function blockPageFields(run: Run, block: number, page: number): ObjectField[] {
  const m = run.ctx.m;
  const L = m.layout;
  const out: ObjectField[] = [{ name: 'va_block', value: `${block}, page ${page} (VA ${hex(m.blockVa[block] + page * 4096)})` }];
  for (let p = 0; p < m.procs; p++) {
    const parts: string[] = [];
    if (m.readMask(L.residentBase(block, p)).has(page)) parts.push('resident');
    const prots = [PROT_READ, PROT_WRITE, PROT_ATOMIC].filter((prot) => m.readMask(L.mappedBase(block, p, prot)).has(page));
    if (prots.length) parts.push(`mapped ${prots.map((x) => ['read', 'write', 'atomic'][x]).join('+')}`);
    if (p > 0 && m.readMask(L.evictedBase(block, p)).has(page)) parts.push('evicted');
    out.push({ name: m.gpuName(p), value: parts.join(', ') || '—' });
  }
  if (m.readMask(L.readDupBase(block)).has(page)) out.push({ name: 'read-duplicated', value: 'yes' });
  const bit = (field: number) => ((m.blockWord(block, field + (page >>> 5), 1) >>> (page & 31)) & 1) === 1;
  if (run.platform?.gaia) {
    out.push({ name: 'filled from the page cache', value: yes(bit(L.fromCache)) });
    out.push({ name: 'written by the GPU since filled', value: yes(bit(L.gpuWritten)) });
  }
  return out;
}

function pageWatch(run: Run, region: number, page: number): string | undefined {
  const m = run.ctx.m;
  const info = m.regions[region];
  const at = info && info.blocks > 0 ? m.locate(region, page) : null;
  // a page mask word's `page` is the first page it changed: the word is page - page % 32, the bit is ours
  const bits = at ? `page - page % 32 == ${at.page - (at.page % 32)} && ((before ^ after) & ${BIT(at.page)}) != 0` : null;
  const f = mappingOfRegion(run, region);
  if (f < 0) return at && bits ? checked(run, `watch block ${at.block} if ${bits}`) : undefined;
  const group = page - (page % GPU_GROUP);
  const terms = [
    `file == ${f} && (kind == 'pcTag' && height == 1 && index - index % 32 == ${page - (page % 32)} && ((before ^ after) & ${BIT(page)}) != 0 || kind == 'pcSlot' && height == 1 && index == ${page} || kind in ['pcTsvt', 'pcTsvtReset'] && index == ${page} || kind == 'pcGpuSlot' && index == ${group})`,
  ];
  const pfn = pageCacheOf(run)!.lookup(f, page);
  if (pfn >= 0) terms.push(`kind == 'pageFlags' && pfn == ${pfn}`);
  if (at && bits) terms.push(`block == ${at.block} && ${bits}`);
  return checked(run, `* if type == 'state' && (${terms.map((x) => `(${x})`).join(' || ')})`);
}

function pageFields(run: Run, region: number, page: number): ObjectInfo {
  const m = run.ctx.m;
  const spec = run.scenario.regions[region];
  const f = mappingOfRegion(run, region);
  const info = m.regions[region];
  const fields: ObjectField[] = [
    { name: 'region', value: `${spec.name} (${spec.kind})` },
    { name: 'offset', value: `${page * 4096} (${hex(page * 4096)})` },
  ];
  const watchSpec = pageWatch(run, region, page);
  if (f >= 0) {
    const pc = pageCacheOf(run)!;
    const r = pc.radix;
    const pfn = pc.lookup(f, page);
    fields.push({ name: 'page cache', value: pfn >= 0 ? `pfn ${pfn}` : 'not cached' });
    if (pfn >= 0) {
      fields.push({ name: 'flags', value: flagText(pc.mem.flags(pfn)) });
      fields.push({ name: 'references', value: String(pc.mem.word(pfn, P_COUNT)) });
      fields.push({ name: 'PTEs mapping it', value: String(pc.mem.word(pfn, P_MAPCOUNT)) });
    }
    const tags = TAG_NAMES.filter((_, t) => pc.tagGet(f, page, t));
    fields.push({ name: 'tags', value: tags.join(' ') || 'none' });
    const leaf = r.leafOf(f, page);
    for (let g = 0; g < r.gpus; g++) {
      const gp = leaf >= 0 ? r.gpuSlot(leaf, g, Math.floor((page % MAP_SIZE) / GPU_GROUP)) : -1;
      const group = page - (page % GPU_GROUP);
      fields.push({ name: `${m.gpuName(g + 1)} page`, value: gp >= 0 ? `pfn ${gp} (indices ${group}–${group + GPU_GROUP - 1})` : 'none' });
    }
    const names = [...Array.from({ length: r.gpus }, (_, g) => m.gpuName(g + 1)), 'cpu', 'disk'];
    if (leaf >= 0) {
      fields.push({ name: 'radix leaf', value: `node ${leaf}, slot ${page % MAP_SIZE}` });
      const latest = pc.tsvt.latest(f, page);
      for (let v = 0; v < r.procs; v++) {
        const row = pc.tsvt.row(f, page, v);
        if (row.every((x, o) => x === (o === r.procs - 1 ? 0 : -1)) && v !== r.procs - 1) continue;
        const stale = v !== pc.disk && row[v] >= 0 && pc.tsvt.staleColumn(f, page, v) >= 0;
        fields.push({ name: `TSVT ${names[v]}`, value: `${row.map((x, o) => `${names[o]} ${x}`).join(' · ')}${stale ? ' (stale)' : ''}` });
      }
      fields.push({ name: 'TSVT newest', value: latest.map((x, o) => `${names[o]} ${x}`).join(' · ') });
    }
  }
  if (info && info.blocks > 0) {
    const at = m.locate(region, page);
    fields.push(...blockPageFields(run, at.block, at.page));
  }
  const kind = f >= 0 ? 'file page' : 'page';
  return { title: `${spec.name} ${kind} ${page}`, fields, watchSpec };
}

function radixNodeFields(run: Run, node: number): ObjectInfo {
  const pc = pageCacheOf(run);
  const m = run.ctx.m;
  const spec = `* if obj == ${node} && kind in ['pcNode', 'pcSlot', 'pcGpuSlot', 'pcTag', 'pcTsvt', 'pcTsvtReset']`;
  if (!pc) return { title: `radix node ${node}`, fields: [{ name: 'state', value: 'this run has no page cache' }] };
  const r = pc.radix;
  const live = node < r.nodeCount() && r.node(node, N_FILE) !== 0;
  if (!live) return { title: `radix node ${node}`, fields: [{ name: 'state', value: 'free (not in any tree at this step)' }], watchSpec: checked(run, spec) };
  const f = r.node(node, N_FILE) - 1;
  const height = r.node(node, N_HEIGHT);
  const base = r.node(node, N_BASE);
  const span = MAP_SIZE ** height;
  const fileName = run.scenario.regions[run.platform?.linux?.fileOf.indexOf(f) ?? -1]?.name ?? `file ${f}`;
  const parent = r.node(node, N_PARENT) - 1;
  const fields: ObjectField[] = [
    { name: 'file', value: fileName },
    { name: 'level', value: height === 1 ? 'leaf (slots hold pages)' : `height ${height} (slots hold nodes)` },
    { name: 'indices', value: `${base}–${base + span - 1}` },
    { name: 'parent', value: parent >= 0 ? `node ${parent}, slot ${r.node(node, N_OFFSET)}` : 'none (the root)' },
    { name: 'count', value: String(r.node(node, N_COUNT)) },
    { name: 'count_gpu', value: String(r.node(node, N_COUNT_GPU)) },
  ];
  fields.push({ name: height === 1 ? 'pages' : 'children', value: runsText(bitRuns((s) => r.slot(node, s) >= 0)).replace(/pages?\)/, 'slots)') });
  for (let t = 0; t < MAX_TAGS; t++) fields.push({ name: TAG_NAMES[t], value: runsText(bitRuns((s) => r.tagBit(node, t, s))).replace(/pages?\)/, 'slots)') });
  if (height === 1)
    for (let g = 0; g < r.gpus; g++) {
      const slots = Array.from({ length: GPU_SLOTS }, (_, k) => r.gpuSlot(node, g, k));
      fields.push({ name: `${m.gpuName(g + 1)} pages`, value: slots.map((p, k) => (p >= 0 ? `[${k}] pfn ${p}` : `[${k}] —`)).join('  ') });
    }
  return { title: `radix node ${node} (${fileName}, ${height === 1 ? 'leaf' : `height ${height}`}, indices ${base}–${base + span - 1})`, fields, watchSpec: checked(run, spec) };
}

function chunkFields(run: Run, gpu: number, chunk: number): ObjectInfo {
  const v = pmmView(run, gpu);
  const name = run.ctx.m.gpuName(gpu);
  const c = v.chunks.find((x) => x.chunk === chunk);
  const fields: ObjectField[] = c
    ? [
        { name: 'state', value: c.state },
        { name: 'type', value: c.type },
        { name: 'owner', value: c.owner >= 0 ? `va_block ${c.owner}` : 'none' },
        { name: 'list', value: c.list },
      ]
    : [{ name: 'state', value: "still PMA's (not taken by UVM yet)" }];
  return { title: `${name} root chunk ${chunk}`, fields, watchSpec: checked(run, `watch heap pmm.gpu${gpu} if obj == ${chunk} && kind != 'pmmHeader'`) };
}

function pageTableFields(run: Run, gpu: number, table: number): ObjectInfo {
  const v = pageTreeView(run, gpu);
  const tb = v.tables.find((x) => x.id === table);
  const name = run.ctx.m.gpuName(gpu);
  const fields: ObjectField[] = tb
    ? [
        { name: 'level', value: tb.level },
        { name: 'parent', value: tb.parent >= 0 ? `table ${tb.parent}, entry ${tb.index}` : 'none (the root)' },
        { name: 'aperture', value: tb.aperture },
        { name: 'bytes', value: String(tb.bytes) },
      ]
    : [{ name: 'state', value: 'not allocated at this step' }];
  return { title: `${name} page table ${table}${tb ? ` (${tb.level})` : ''}`, fields, watchSpec: checked(run, `watch heap pagetables.gpu${gpu} if obj == ${table}`) };
}

function transitionFields(run: Run, t: number): ObjectInfo {
  const v = run.transition(t);
  const step = run.stepOfTransition(t);
  const frame = run.frameOf(step);
  const fields: ObjectField[] = [
    { name: 'step', value: String(step) },
    { name: 'in', value: `${frame.fn}: ${frame.text}` },
    { name: 'kind', value: `${v.kind} (${v.type})` },
    { name: 'what', value: v.text },
  ];
  if (v.type === 'state') fields.push({ name: 'word', value: `${v.heap}, before ${v.before}, after ${v.after}` });
  for (const [k, x] of Object.entries(v.fields)) fields.push({ name: k, value: String(x) });
  const store = run.ctx.store;
  const spec = store.heapOf(t) === EVENT_HEAP ? `${v.kind} if obj == ${v.obj}` : `watch heap ${v.heap} if obj == ${v.obj} && kind == '${kindName(store.kindOf(t))}'`;
  return { title: `transition ${t}: ${v.kind}`, fields, watchSpec: checked(run, spec) };
}

/** The spec in canonical form when it parses and can hit, else undefined (never offer a breakpoint that cannot work). */
function checked(run: Run, spec: string): string | undefined {
  const r = parseBreakpointSpec(spec, { run });
  if (!r.ok || validateBreakpoint(r.breakpoint, run)) return undefined;
  return formatBreakpoint(r.breakpoint);
}

/** Title, fields at the cursor and the watch spec of an object. */
export function inspectObject(run: Run, ref: InspectRef): ObjectInfo {
  checkRef(run, ref);
  switch (ref.kind) {
    case 'block':
      return blockFields(run, ref.block);
    case 'page':
      return pageFields(run, ref.region, ref.page);
    case 'chunk':
      return chunkFields(run, ref.gpu, ref.chunk);
    case 'radixNode':
      return radixNodeFields(run, ref.node);
    case 'pageTable':
      return pageTableFields(run, ref.gpu, ref.table);
    case 'transition':
      return transitionFields(run, ref.transition);
  }
}
