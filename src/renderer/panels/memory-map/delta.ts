/**
 * The memory map's deltas on the renderer's side: the full arrays of the last answer are kept, and a delta (the
 * pages that may differ from that answer, protocol/views/memory.ts MemoryMapDelta) is written into them. The patched
 * answer is byte for byte the full answer the host would have sent (test/renderer/memory-map-delta.test.ts).
 */
import type { MemoryMapDelta, MemoryMapRegion, MemoryMapResult } from '../../../protocol';

export interface Patched {
  /** The full answer at the delta's step (its arrays: the held ones, written in place, or a whole region's new ones). */
  readonly result: MemoryMapResult;
  /**
   * Per region, the pages whose bytes may have changed from the held answer: a list (the renderer re-reads only
   * those), or null where the region was replaced whole (its old arrays are untouched: compare them).
   */
  readonly dirty: readonly (Uint32Array | null)[];
}

const NONE = new Uint32Array(0);
const EMPTY = new Uint8Array(0);

/**
 * Write `delta` into `held` (the full answer for `delta.base`). Null when it does not fit (another step, another
 * shape): the caller then asks for a full answer. `held`'s arrays are changed in place: it is the answer of the
 * delta's step afterwards, and its old object must not be read as the base's any more.
 */
export function applyDelta(held: MemoryMapResult, delta: MemoryMapDelta): Patched | null {
  if (held.step !== delta.base || held.processors !== delta.processors) return null;
  const procs = held.processors;
  const byIndex = new Map<number, number>();
  held.regions.forEach((r, k) => byIndex.set(r.index, k));
  // check every region first, so that nothing is written when the delta does not fit
  for (const d of delta.regions) {
    const k = byIndex.get(d.index);
    if (k === undefined) return null;
    const r = held.regions[k];
    const n = d.pages ? d.pages.length : r.pages;
    if (d.state.length !== n * procs || (d.pte === null) !== (r.pte === null) || (d.cache === null) !== (r.cache === null)) return null;
    if (d.pte && d.pte.length !== n * procs) return null;
    if (d.cache && d.cache.length !== n) return null;
    if (d.pages && d.pages.length && d.pages[d.pages.length - 1] >= r.pages) return null;
  }
  const sent = new Map(delta.regions.map((d) => [d.index, d]));
  const dirty: (Uint32Array | null)[] = [];
  const regions = held.regions.map((r): MemoryMapRegion => {
    const d = sent.get(r.index);
    if (!d) {
      // as in the base answer, and nothing changed at this step
      dirty.push(NONE);
      return { ...r, changed: NONE, stateBefore: EMPTY, pteBefore: r.pte ? EMPTY : null, cacheBefore: r.cache ? EMPTY : null };
    }
    const step = { changed: d.changed, stateBefore: d.stateBefore, pteBefore: d.pteBefore, cacheBefore: d.cacheBefore };
    if (!d.pages) {
      dirty.push(null);
      return { ...r, va: d.va, cpuVa: d.cpuVa, state: d.state, pte: d.pte, cache: d.cache, ...step };
    }
    const { state, pte, cache } = r;
    const pages = d.pages;
    for (let j = 0; j < pages.length; j++) {
      const i = pages[j];
      for (let p = 0; p < procs; p++) state[i * procs + p] = d.state[j * procs + p];
      if (pte && d.pte) for (let p = 0; p < procs; p++) pte[i * procs + p] = d.pte[j * procs + p];
      if (cache && d.cache) cache[i] = d.cache[j];
    }
    dirty.push(pages);
    return { ...r, ...step };
  });
  return { result: { view: 'memoryMap', processors: procs, step: delta.step, regions }, dirty };
}

/** Dirty pages of two patches in a row as one (per region; null: compare the old arrays, wins over any list). */
export function mergeDirty(a: readonly (Uint32Array | null)[] | undefined, b: readonly (Uint32Array | null)[]): (Uint32Array | null)[] {
  if (!a || a.length !== b.length) return [...b];
  return b.map((x, k) => {
    const y = a[k];
    if (x === null || y === null) return null;
    if (!y.length) return x;
    if (!x.length) return y;
    return Uint32Array.from(new Set([...y, ...x])).sort();
  });
}
