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
  const words = faulted.words.length;
  const bitmap = input.residentOnDest.clone().or(faulted);
  // faults that drive the walk: faulted and not thrashing
  const drivers = faulted.clone();
  if (thrashing) drivers.andNot(thrashing);

  // 2. grow faults to 64 KiB big pages (16 pages = one half of a 32-bit word)
  for (let w = 0; w < words; w++) {
    for (let half = 0; half < 2; half++) {
      const shift = half * 16;
      const lo = w * 32 + shift;
      if (lo >= pages) break;
      const span = Math.min(PAGES_PER_BIG_PAGE, pages - lo);
      const bits = ((span === 16 ? 0xffff : (1 << span) - 1) << shift) >>> 0;
      if ((faulted.words[w] & bits) === 0) continue;
      if (thrashing && (thrashing.words[w] & bits) !== 0) continue;
      bitmap.words[w] = (bitmap.words[w] | bits) >>> 0;
    }
  }

  // 3. the highest node on each driver's path to the root that is more than `threshold` percent full. Walking the
  // tree top-down and taking the first qualifying node that holds a driver gives the same union, once per node.
  let leaves = 1;
  while (leaves < pages) leaves *= 2;
  const result = new PageMask(pages);
  const visit = (lo: number, size: number): void => {
    const hi = Math.min(lo + size, pages);
    if (lo >= hi || drivers.countRange(lo, hi) === 0) return;
    if (bitmap.countRange(lo, hi) * 100 > (hi - lo) * threshold) {
      result.setRange(lo, hi);
      return;
    }
    if (size > 1) {
      visit(lo, size / 2);
      visit(lo + size / 2, size / 2);
    }
  };
  visit(0, leaves);

  // 4. filter
  result.andNot(faulted);
  if (input.exclude) result.andNot(input.exclude);
  if (thrashing) result.andNot(thrashing);
  return result;
}
