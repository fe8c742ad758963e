/**
 * The driver's density prefetcher (uvm_perf_prefetch.c), as a pure function over page masks of one va_block.
 *
 * 1. The bitmap tree's leaves are the block's 4 KiB pages; a leaf is set when the page is already resident on the
 *    destination or is being faulted now (init_bitmap_tree_from_region).
 * 2. Each 64 KiB big page holding a faulted page and no thrashing page is filled: the effective fault granularity is
 *    64 KiB (grow_fault_granularity).
 * 3. From each faulted page, climb to the root; a node whose set leaves are strictly more than `threshold` percent
 *    of its leaves qualifies (count * 100 > size * threshold); the highest qualifying node wins, and a level that
 *    does not qualify does not stop the climb (compute_prefetch_region).
 * 4. The union of the winning nodes, minus the faulted pages, minus (for a CPU destination) pages the CPU already
 *    holds and maps, minus thrashing pages, is the prefetch mask (uvm_perf_prefetch_prenotify_fault_migrations).
 *
 * Worked example (research/uvm-driver.md §6): the CPU reading back a GPU-resident block faults at pages 0, 16, 32,
 * 64, 128, 256 and prefetches 15, 15, 31, 63, 127, 255 pages: six faults per 2 MiB.
 */

import { PageMask } from '../core/bits';
import { PAGES_PER_BIG_PAGE } from './model';

export interface PrefetchInput {
  /** Pages in the block (512 for a full block). */
  pages: number;
  residentOnDest: PageMask;
  faulted: PageMask;
  thrashing: PageMask | null;
  /** Pages to leave out of the result: for a CPU destination, pages already CPU-resident and CPU-mapped. */
  exclude: PageMask | null;
  /** uvm_perf_prefetch_threshold, percent. */
  threshold: number;
}

export function computePrefetchMask(input: PrefetchInput): PageMask {
  const { pages, faulted, thrashing, threshold } = input;
  const bitmap = input.residentOnDest.clone().or(faulted);
  const isThrashing = (p: number) => thrashing !== null && thrashing.has(p);

  // 2. grow faults to 64 KiB big pages
  for (let lo = 0; lo < pages; lo += PAGES_PER_BIG_PAGE) {
    const hi = Math.min(lo + PAGES_PER_BIG_PAGE, pages);
    let hasFault = false;
    let hasThrash = false;
    for (let p = lo; p < hi; p++) {
      if (faulted.has(p)) hasFault = true;
      if (isThrashing(p)) hasThrash = true;
    }
    if (hasFault && !hasThrash) bitmap.setRange(lo, hi);
  }

  // 3. climb from each faulted page
  let leaves = 1;
  while (leaves < pages) leaves *= 2;
  const result = new PageMask(pages);
  faulted.forEach((p) => {
    if (isThrashing(p)) return;
    let bestLo = -1;
    let bestHi = -1;
    for (let size = 1; size <= leaves; size *= 2) {
      const lo = Math.floor(p / size) * size;
      const hi = Math.min(lo + size, pages);
      const count = bitmap.countRange(lo, hi);
      if (count * 100 > (hi - lo) * threshold) {
        bestLo = lo;
        bestHi = hi;
      }
    }
    if (bestLo >= 0) result.setRange(bestLo, bestHi);
  });

  // 4. filter
  result.andNot(faulted);
  if (input.exclude) result.andNot(input.exclude);
  if (thrashing) result.andNot(thrashing);
  return result;
}
