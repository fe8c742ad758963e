/**
 * Views of memory: a va_block, the memory map of every region, a GPU's PMM and page tree.
 *
 * What the cursor's step changed is found by comparing the view at the cursor with the view one step earlier (the
 * run seeks there and back, which costs a few undone transitions): it covers every kind of region and every
 * mechanism alike, and gives the panels the before-state they animate from. The last few memory maps of a run are
 * kept, so stepping forwards computes one map per step, not two. Asked with the step of the answer the renderer
 * holds, the map is a delta from it when few steps lie between: only the va_blocks those steps' transitions wrote are
 * read again (memoryMapDelta).
 */
import type { ChunkChange, MemoryMapDelta, MemoryMapRegion, MemoryMapRegionDelta, MemoryMapResult, MemoryQuery, PageTableInfo, PmmChunkInfo, PmmResult } from '../../protocol';
import { CACHE_CHANGED, PAGE_CHANGED, PTE_CHANGED } from '../../protocol';
import { blockView } from '../../engine/run/views';
import { fillBlock, pageTreeDetail, pmmDetail, regionPages, regionPagesOf, type PageTableDetail, type RegionPages } from '../../engine/run/views-memory';
import { PAGES_PER_BLOCK } from '../../engine/uvm/model';
import type { Run } from '../../engine/run/run';
import { K } from '../../engine/uvm/kinds';
import { EVENT_HEAP } from '../../engine/core/store';
import type { ViewHandlers } from './index';

export const memoryViews: ViewHandlers<MemoryQuery> = {
  block: (run, q) => ({ view: 'block', ...blockView(run, q.block) }),
  pmm: (run, q) => pmmWithChanges(run, q.gpu),
  pageTree: (run, q) => pageTreeWithChanges(run, q.gpu),
  memoryMap: (run, q) => (q.base !== undefined && memoryMapDelta(run, q.base)) || fullMemoryMap(run),
};

/** Run `f` with the model at `step`, then put the cursor back. */
function atStep<T>(run: Run, step: number, f: () => T): T {
  const cursor = run.cursor;
  if (step === cursor) return f();
  run.seek(step);
  try {
    return f();
  } finally {
    run.seek(cursor);
  }
}

// ---- the memory map ----

const MAPS_KEPT = 4;
const mapCache = new WeakMap<Run, Map<number, RegionPages[]>>();

/** Every region's pages at `step`, from the cache when this run computed them lately. */
function pagesAt(run: Run, step: number): RegionPages[] {
  let cache = mapCache.get(run);
  if (!cache) mapCache.set(run, (cache = new Map()));
  const hit = cache.get(step);
  if (hit) {
    cache.delete(step);
    cache.set(step, hit);
    return hit;
  }
  const pages = atStep(run, step, () => regionPages(run));
  cache.set(step, pages);
  while (cache.size > MAPS_KEPT) cache.delete(cache.keys().next().value!);
  return pages;
}

function fullMemoryMap(run: Run): MemoryMapResult {
  return { view: 'memoryMap', processors: run.ctx.m.procs, step: run.cursor, regions: memoryMapRegions(run) };
}

/**
 * When a delta is cheap: at most this many steps between base and cursor, and this many transitions in them. A
 * delta reads the transitions of those steps and two versions (cursor, cursor − 1) of each va_block they wrote, so
 * its cost follows the transitions; a full map costs every page whatever happened. A held F10 or play moves one step
 * (a few hundred transitions at most in the built-in scenarios' fault batches); a jump of thousands of steps, or a
 * step of a huge batch, is answered whole, which costs about as much as the delta would and resets the renderer.
 */
export const DELTA_MAX_STEPS = 256;
export const DELTA_MAX_TRANSITIONS = 1 << 16;

/** Heaps of the UVM model that no page of the map reads (the map's managed pages read only `blocks`). */
const MAP_BLIND = /^(regions|scalars|blocks\.time|thrashing|thrashing\.time|pmm\.gpu\d+|pagetables\.gpu\d+)$/;

/**
 * The map at the cursor as a patch on the answer for `base`, or null when that is not cheap (or `base` is no step).
 * The pages that may differ between the two answers are those the steps from min(base, cursor) to max(base, cursor)
 * changed (which include the cursor's changes and the base's, whose CHANGED bits clear): for a managed region, every
 * page of each va_block those steps' transitions wrote in the `blocks` heap, read again at the cursor and one step
 * earlier (for this step's CHANGED bits and before-bytes). A region of another kind (a file, anonymous memory, a
 * device buffer) is read from other heaps: when those steps wrote any heap besides the UVM model's own, or one of its
 * va_blocks, it is sent whole.
 */
function memoryMapDelta(run: Run, base: number): MemoryMapDelta | null {
  const c = run.cursor;
  if (!Number.isInteger(base) || base < 0 || base >= run.stepCount) return null;
  const lo = Math.min(base, c);
  const hi = Math.max(base, c);
  if (hi - lo > DELTA_MAX_STEPS) return null;
  const t0 = run.transitionRange(lo)[0];
  const t1 = run.transitionRange(hi)[1];
  if (t1 - t0 > DELTA_MAX_TRANSITIONS) return null;
  const m = run.ctx.m;
  const store = run.ctx.store;
  const stride = m.layout.stride;
  const written = new Set<number>();
  let other = false;
  const blind = new Map<number, boolean>();
  for (let t = t0; t < t1; t++) {
    const h = store.heapOf(t);
    if (h === EVENT_HEAP) continue;
    if (h === m.hBlocks) {
      written.add(Math.floor(store.indexOf(t) / stride));
      continue;
    }
    if (other) continue;
    let b = blind.get(h);
    if (b === undefined) blind.set(h, (b = MAP_BLIND.test(store.heapName(h))));
    if (!b) other = true;
  }
  const procs = m.procs;
  const regions: MemoryMapRegionDelta[] = [];
  const managed: { k: number; blocks: number[] }[] = [];
  const whole: number[] = [];
  m.regions.forEach((r, k) => {
    const kind = run.scenario.regions[r.index].kind;
    const blocks: number[] = [];
    for (let b = 0; b < r.blocks; b++) if (written.has(r.firstBlock + b)) blocks.push(r.firstBlock + b);
    if (kind !== 'managed') {
      if (other || blocks.length) whole.push(k);
    } else if (blocks.length) managed.push({ k, blocks });
  });
  // managed regions: the written blocks at the cursor and one step earlier
  const read = () => managed.map(({ blocks }) => {
    const state = new Uint8Array(blocks.length * PAGES_PER_BLOCK * procs);
    const pte = new Uint8Array(blocks.length * PAGES_PER_BLOCK * procs);
    blocks.forEach((block, j) => fillBlock(run, block, state, pte, j * PAGES_PER_BLOCK));
    return { state, pte };
  });
  const now = read();
  const before = c > 0 ? atStep(run, c - 1, read) : null;
  const wholeNow = whole.map((k) => regionPagesOf(run, k));
  const wholeBefore = c > 0 ? atStep(run, c - 1, () => whole.map((k) => regionPagesOf(run, k))) : null;
  let w = 0;
  let g = 0;
  for (let k = 0; k < m.regions.length; k++) {
    if (whole[w] === k) {
      const full = withChanges(wholeNow[w], wholeBefore?.[w] ?? null, procs);
      regions.push({ index: full.index, pages: null, va: full.va, cpuVa: full.cpuVa, state: full.state, pte: full.pte, cache: full.cache, changed: full.changed, stateBefore: full.stateBefore, pteBefore: full.pteBefore, cacheBefore: full.cacheBefore });
      w++;
    } else if (managed[g]?.k === k) {
      regions.push(blockDelta(m.regions[k], managed[g].blocks, now[g], before?.[g] ?? null, procs));
      g++;
    }
  }
  return { view: 'memoryMap', processors: procs, step: c, base, regions };
}

/** A managed region's delta: the pages of its written blocks (within the region), with this step's changes marked. */
function blockDelta(
  r: { index: number; va: number; pages: number; firstBlock: number },
  blocks: readonly number[],
  now: { state: Uint8Array; pte: Uint8Array },
  before: { state: Uint8Array; pte: Uint8Array } | null,
  procs: number,
): MemoryMapRegionDelta {
  const pages: number[] = [];
  const changed: number[] = [];
  const changedAt: number[] = [];
  blocks.forEach((block) => {
    const first = (block - r.firstBlock) * PAGES_PER_BLOCK;
    const end = Math.min(r.pages, first + PAGES_PER_BLOCK);
    for (let i = first; i < end; i++) pages.push(i);
  });
  const n = pages.length;
  const state = new Uint8Array(n * procs);
  const pte = new Uint8Array(n * procs);
  let at = 0;
  blocks.forEach((block, j) => {
    const first = (block - r.firstBlock) * PAGES_PER_BLOCK;
    const count = Math.min(r.pages, first + PAGES_PER_BLOCK) - first;
    for (let pg = 0; pg < count; pg++, at++) {
      const src = (j * PAGES_PER_BLOCK + pg) * procs;
      let any = false;
      for (let p = 0; p < procs; p++) {
        let s = now.state[src + p];
        let e = now.pte[src + p];
        if (before) {
          if (s !== before.state[src + p]) {
            s |= PAGE_CHANGED;
            any = true;
          }
          if (e !== before.pte[src + p]) {
            e |= PTE_CHANGED;
            any = true;
          }
        }
        state[at * procs + p] = s;
        pte[at * procs + p] = e;
      }
      if (any) {
        changed.push(first + pg);
        changedAt.push(src);
      }
    }
  });
  const stateBefore = new Uint8Array(changed.length * procs);
  const pteBefore = new Uint8Array(changed.length * procs);
  if (before) changedAt.forEach((src, k) => {
    stateBefore.set(before.state.subarray(src, src + procs), k * procs);
    pteBefore.set(before.pte.subarray(src, src + procs), k * procs);
  });
  return { index: r.index, pages: Uint32Array.from(pages), va: r.va, cpuVa: -1, state, pte, cache: null, changed: Uint32Array.from(changed), stateBefore, pteBefore, cacheBefore: null };
}

function memoryMapRegions(run: Run): MemoryMapRegion[] {
  const procs = run.ctx.m.procs;
  const now = pagesAt(run, run.cursor);
  const before = run.cursor > 0 ? pagesAt(run, run.cursor - 1) : null;
  return now.map((r, k) => withChanges(r, before?.[k] ?? null, procs));
}

/** The protocol's region: fresh copies of the cached arrays, with this step's changes marked and listed. */
function withChanges(r: RegionPages, b: RegionPages | null, procs: number): MemoryMapRegion {
  const state = r.state.slice();
  const pte = r.pte ? r.pte.slice() : null;
  const cache = r.cache ? r.cache.slice() : null;
  const changed: number[] = [];
  if (b) {
    for (let i = 0; i < r.pages; i++) {
      let any = false;
      for (let p = 0; p < procs; p++) {
        const j = i * procs + p;
        if (state[j] !== b.state[j]) {
          state[j] |= PAGE_CHANGED;
          any = true;
        }
        if (pte && b.pte && pte[j] !== b.pte[j]) {
          pte[j] |= PTE_CHANGED;
          any = true;
        }
      }
      if (cache && b.cache && cache[i] !== b.cache[i]) {
        cache[i] |= CACHE_CHANGED;
        any = true;
      }
      if (any) changed.push(i);
    }
  }
  const n = changed.length;
  const stateBefore = new Uint8Array(n * procs);
  const pteBefore = pte ? new Uint8Array(n * procs) : null;
  const cacheBefore = cache ? new Uint8Array(n) : null;
  for (let k = 0; k < n && b; k++) {
    const i = changed[k];
    stateBefore.set(b.state.subarray(i * procs, (i + 1) * procs), k * procs);
    if (pteBefore && b.pte) pteBefore.set(b.pte.subarray(i * procs, (i + 1) * procs), k * procs);
    if (cacheBefore && b.cache) cacheBefore[k] = b.cache[i];
  }
  return {
    index: r.index,
    name: r.name,
    kind: r.kind,
    va: r.va,
    cpuVa: r.cpuVa,
    pages: r.pages,
    firstBlock: r.firstBlock,
    blocks: r.blocks,
    state,
    pte,
    cache,
    changed: Uint32Array.from(changed),
    stateBefore,
    pteBefore,
    cacheBefore,
  };
}

// ---- PMM ----

function pmmWithChanges(run: Run, gpu: number): PmmResult {
  const now = pmmDetail(run, gpu);
  const before = run.cursor > 0 ? atStep(run, run.cursor - 1, () => pmmDetail(run, gpu)) : null;
  // root chunks this step evicted (evictChunk events: obj = chunk, idx = gpu)
  const evicted = new Set<number>();
  const store = run.ctx.store;
  const [t0, t1] = run.transitionRange(run.cursor);
  for (let t = t0; t < t1; t++) if (store.heapOf(t) === EVENT_HEAP && store.kindOf(t) === K.evictChunk && store.indexOf(t) === gpu) evicted.add(store.objOf(t));
  const changed: number[] = [];
  const chunks: PmmChunkInfo[] = now.chunks.map((c) => {
    const b = before?.chunks[c.chunk];
    let change: ChunkChange | undefined;
    if (evicted.has(c.chunk)) change = 'evicted';
    else if (before && !b) change = c.state === 'free' ? undefined : 'allocated';
    else if (b) {
      const heldBefore = b.owner >= 0 || b.kernelPieces > 0;
      const heldNow = c.owner >= 0 || c.kernelPieces > 0;
      if (!heldBefore && heldNow) change = 'allocated';
      else if (heldBefore && !heldNow) change = 'freed';
      else if (b.owner !== c.owner) change = 'owner';
      else if (b.state !== c.state || b.type !== c.type) change = 'state';
      else if (b.pieces !== c.pieces || b.kernelPieces !== c.kernelPieces) change = 'pieces';
      else if (b.resident !== c.resident) change = 'resident';
      else if (b.list !== c.list) change = 'list';
    }
    if (change) changed.push(c.chunk);
    return change ? { ...c, change } : c;
  });
  return { view: 'pmm', gpu, rootChunks: now.rootChunks, fromPma: now.fromPma, chunks, lists: now.lists, changed };
}

// ---- the GPU page tree ----

function pageTreeWithChanges(run: Run, gpu: number) {
  const now = pageTreeDetail(run, gpu);
  const before = run.cursor > 0 ? atStep(run, run.cursor - 1, () => pageTreeDetail(run, gpu)) : null;
  const same = (a: PageTableDetail, b: PageTableDetail) =>
    a.used === b.used && a.pte4k === b.pte4k && a.pte64k === b.pte64k && a.pte2m === b.pte2m && a.vid === b.vid && a.sys === b.sys && a.aperture === b.aperture;
  const tables: PageTableInfo[] = now.tables.map((t) => {
    const b = before?.tables[t.id];
    return { ...t, changed: before !== null && (!b || !same(t, b)) };
  });
  return { view: 'pageTree' as const, gpu, levels: now.levels, tables };
}
