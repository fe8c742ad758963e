/**
 * Views of memory: a va_block, the memory map of every region, a GPU's PMM and page tree.
 *
 * What the cursor's step changed is found by comparing the view at the cursor with the view one step earlier (the
 * run seeks there and back, which costs a few undone transitions): it covers every kind of region and every
 * mechanism alike, and gives the panels the before-state they animate from. The last few memory maps of a run are
 * kept, so stepping forwards computes one map per step, not two.
 */
import type { ChunkChange, MemoryMapRegion, MemoryQuery, PageTableInfo, PmmChunkInfo, PmmResult } from '../../protocol';
import { CACHE_CHANGED, PAGE_CHANGED, PTE_CHANGED } from '../../protocol';
import { blockView } from '../../engine/run/views';
import { pageTreeDetail, pmmDetail, regionPages, type PageTableDetail, type RegionPages } from '../../engine/run/views-memory';
import type { Run } from '../../engine/run/run';
import { K } from '../../engine/uvm/kinds';
import { EVENT_HEAP } from '../../engine/core/store';
import type { ViewHandlers } from './index';

export const memoryViews: ViewHandlers<MemoryQuery> = {
  block: (run, q) => ({ view: 'block', ...blockView(run, q.block) }),
  pmm: (run, q) => pmmWithChanges(run, q.gpu),
  pageTree: (run, q) => pageTreeWithChanges(run, q.gpu),
  memoryMap: (run) => ({ view: 'memoryMap', processors: run.ctx.m.procs, step: run.cursor, regions: memoryMapRegions(run) }),
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
