/**
 * Making pages resident somewhere (uvm_va_block_make_resident_copy + uvm_va_block_make_resident_finish), the one
 * mechanism behind fault migrations, prefetches, cudaMemPrefetchAsync, read duplication and eviction.
 *
 * Order (research/uvm-driver.md §9, §10): unmap every processor mapping the pages that move (or, when duplicating,
 * revoke their write access); populate memory at the destination; copy each contiguous run of pages with one cause
 * from each source, closest to the destination first (one CUPTI migration record per run,
 * block_copy_resident_pages_between); pages resident nowhere
 * become resident without a copy; then update residency. Physical memory is kept when data leaves.
 */

import { PageMask } from '../core/bits';
import type { Ctx } from './context';
import { fnMakeResident, fnMakeResidentFinish } from './code';
import { Cause, K, packCopy } from './kinds';
import { PAGES_PER_BIG_PAGE, PAGES_PER_BLOCK } from './model';
import { revokeWrite, unmapPages } from './mapping';
import { populateGpu } from './evict';
import { closestOrder } from './residency';

export interface ResidentRequest {
  dest: number;
  /** Every page that must be resident at `dest` afterwards. */
  pages: PageMask;
  /** The subset brought by the prefetcher (cause PREFETCH), or null. */
  prefetch: PageMask | null;
  /** The subset to read-duplicate (copied without removing other copies), or null. */
  readDup: PageMask | null;
  /** Cause of the pages not prefetched. */
  cause: number;
}

/** Returns false when the destination GPU has no memory to give (the caller falls back to the CPU). */
export function makeResident(c: Ctx, block: number, req: ResidentRequest): boolean {
  const { m, steps } = c;
  const { dest, pages } = req;
  const L = m.layout;
  steps.enter(fnMakeResident.at.entry);
  const residentAtDest = m.readMask(L.residentBase(block, dest));
  const move = req.readDup ? pages.clone().andNot(req.readDup) : pages.clone();
  // pages that will stop being where they are: moving to dest, or losing their other copies (a write collapsing
  // read duplication)
  const elsewhere = new PageMask(PAGES_PER_BLOCK);
  for (let p = 0; p < m.procs; p++) if (p !== dest) elsewhere.orHeap(m.blocks, L.residentBase(block, p));
  const changing = move.clone().andNot(residentAtDest).or(move.clone().and(elsewhere));

  steps.at(fnMakeResident.at.unmap);
  for (let p = 0; p < m.procs; p++) {
    const target = p === dest ? changing.clone().andNot(residentAtDest) : changing;
    unmapPages(c, block, p, target);
  }
  if (req.readDup && !req.readDup.isEmpty()) {
    steps.at(fnMakeResident.at.revoke);
    for (let p = 0; p < m.procs; p++) if (p !== dest) revokeWrite(c, block, p, req.readDup);
    // a remote mapping the destination had of these pages is replaced by a local one
    unmapPages(c, block, dest, req.readDup.clone().andNot(residentAtDest));
  }

  const toCopy = pages.clone().andNot(residentAtDest);
  steps.at(fnMakeResident.at.populate);
  if (dest !== 0) {
    if (!populateGpu(c, block, dest)) {
      steps.leave();
      return false;
    }
  } else if (!toCopy.isEmpty()) populateCpu(c, block, toCopy);

  if (!toCopy.isEmpty()) {
    steps.at(fnMakeResident.at.copy);
    const remaining = toCopy.clone();
    // block_copy_resident_pages_mask: the sources in for_each_closest_id order from the destination (a GPU takes a
    // read-duplicated page from its peer before the CPU)
    let holders = 0;
    for (let p = 0; p < m.procs; p++) if (p !== dest && toCopy.intersectsHeap(m.blocks, L.residentBase(block, p))) holders |= 1 << p;
    for (const src of closestOrder(c, holders, dest)) {
      const from = remaining.clone().andHeap(m.blocks, L.residentBase(block, src));
      if (from.isEmpty()) continue;
      // GAIA: UVM pages of a file shared with the GPU are filled from the page cache before their first copy
      if (src === 0 && c.gaia) c.gaia.populateBeforeCopy(block, from);
      copyRuns(c, block, src, dest, from, req);
      remaining.andNot(from);
    }
    if (!remaining.isEmpty()) steps.at(fnMakeResident.at.firstTouch);
  }
  finish(c, block, req, move, toCopy);
  steps.leave();
  return true;
}

/** One copy record per run of adjacent pages with the same cause (a run breaks when the cause changes). */
function copyRuns(c: Ctx, block: number, src: number, dest: number, from: PageMask, req: ResidentRequest): void {
  const n = c.m.blockPages[block];
  const pf = req.prefetch;
  for (let lo = from.nextSet(0); lo < n; ) {
    const runEnd = Math.min(from.nextClear(lo), n);
    let hi = runEnd;
    let cause = req.cause;
    if (pf && pf.has(lo)) {
      cause = Cause.prefetch;
      hi = Math.min(runEnd, pf.nextClear(lo));
    } else if (pf) hi = Math.min(runEnd, pf.nextSet(lo));
    emitCopy(c, block, src, dest, lo, hi, cause, req.readDup !== null && req.readDup.has(lo));
    lo = hi < runEnd ? hi : from.nextSet(runEnd);
  }
}

function emitCopy(c: Ctx, block: number, src: number, dest: number, lo: number, hi: number, cause: number, duplicate: boolean): void {
  const { m } = c;
  const bytes = (hi - lo) * 4096;
  // the migration event is reported when the copy is pushed, so thrashing detection sees the time before the copy
  // (thrashing_event_cb reads NV_GETTIME when uvm_perf_event_notify_migration runs); eviction migrations are ignored
  if (cause !== Cause.eviction) {
    const counts = (cause === Cause.fault || cause === Cause.prefetch || cause === Cause.accessCounter) && !duplicate && !m.readDupEnabled(m.blockRegion[block]);
    c.thrashing.onEvent(block, lo, hi, dest, counts);
  }
  m.store.event(K.copy, block, lo, packCopy(src, dest, cause), bytes);
  m.spend(c.copyNs(src, dest, bytes));
  m.count(src === 0 ? 'htod_bytes' : dest === 0 ? 'dtoh_bytes' : 'dtod_bytes', bytes);
  if (cause === Cause.prefetch) m.count('prefetch_bytes', bytes);
}

/**
 * block_populate_pages_cpu: the largest CPU chunk that fits and is not yet allocated: 2 MiB when nothing of the
 * block is allocated, else 64 KiB pieces (block_calculate_largest_alloc_size). Chunks stay allocated when data leaves.
 */
function populateCpu(c: Ctx, block: number, pages: PageMask): void {
  const { m } = c;
  const L = m.layout;
  const allocated = m.readMask(L.cpuAllocatedBase(block));
  if (allocated.isEmpty()) {
    m.writeMask(L.cpuAllocatedBase(block), m.fullMask(block), true, K.blockCpuAllocated, block);
    if (m.blockPages[block] === PAGES_PER_BLOCK) m.setBlockWord(block, L.cpuChunk2m, 1, K.cpuChunk);
    return;
  }
  const missing = pages.clone().andNot(allocated);
  if (missing.isEmpty()) return;
  const pieces = new PageMask(PAGES_PER_BLOCK);
  missing.forEach((p) => {
    const lo = p - (p % PAGES_PER_BIG_PAGE);
    pieces.setRange(lo, Math.min(lo + PAGES_PER_BIG_PAGE, m.blockPages[block]));
  });
  m.writeMask(L.cpuAllocatedBase(block), pieces, true, K.blockCpuAllocated, block);
}

function finish(c: Ctx, block: number, req: ResidentRequest, move: PageMask, toCopy: PageMask): void {
  const { m, steps } = c;
  const L = m.layout;
  const { dest, pages } = req;
  steps.enter(fnMakeResidentFinish.at.entry);
  // setting the new residency, marking duplicates and clearing the old copies is one step: the block lock makes it
  // atomic for everyone else, and no step shows a page on two processors without its read-duplicated bit
  const duplicating = req.readDup !== null && !req.readDup.isEmpty();
  const collapsing = !move.clone().andHeap(m.blocks, L.readDupBase(block)).isEmpty();
  steps.at(duplicating ? fnMakeResidentFinish.at.readDup : collapsing ? fnMakeResidentFinish.at.collapse : fnMakeResidentFinish.at.resident);
  if (duplicating) m.writeMask(L.readDupBase(block), req.readDup!, true, K.blockReadDuplicated, block);
  m.writeMask(L.residentBase(block, dest), pages, true, K.blockResident, block);
  if (!move.isEmpty()) {
    for (let p = 0; p < m.procs; p++) {
      if (p === dest) continue;
      const lost = move.clone().andHeap(m.blocks, L.residentBase(block, p));
      if (lost.isEmpty()) continue;
      m.writeMask(L.residentBase(block, p), lost, false, K.blockResident, block);
      if (p !== 0 && m.readMask(L.residentBase(block, p)).isEmpty()) {
        const chunk = m.blockWord(block, L.gpuChunk, p) - 1;
        if (chunk >= 0) c.pmmOf(p).markUnused(chunk);
      }
    }
    m.writeMask(L.readDupBase(block), move, false, K.blockReadDuplicated, block);
  }
  if (dest !== 0) {
    m.writeMask(L.evictedBase(block, dest), pages, false, K.blockEvicted, block);
    if (!toCopy.isEmpty()) {
      steps.at(fnMakeResidentFinish.at.lru);
      const chunk = m.blockWord(block, L.gpuChunk, dest) - 1;
      if (chunk >= 0) c.pmmOf(dest).markUsed(chunk);
    }
  }
  steps.leave();
}
