/**
 * Where nvidia_p2p_get_pages puts pinned GPU pages in BAR1, the GPU's PCIe aperture: the bus addresses that the
 * page table returns and that gdrdrv_mmap maps for the CPU.
 *
 * Simplification (RM's BAR1 heap is closed source and not modelled): each GPU's BAR1 is a window of `bar1Bytes`
 * at a fixed per-GPU bus base, handed out in 64 KiB pages. A pin takes the first hole that holds all its pages, so
 * on an unfragmented BAR1 its pages are contiguous and gdrdrv_mmap maps them with one io_remap_pfn_range. Only when
 * no single hole is large enough but the holes together are does the pin spread over several holes (lowest first),
 * which is what makes gdrdrv_mmap's coalescing loop produce more than one run. Not enough free pages: ENOMEM.
 */

import { GPU_PAGE_SIZE } from './state';

/** Bus address of GPU g's BAR1 (g counted from 1): 0x3800_0000_0000 + (g − 1) TiB, in the style of a 64-bit BAR. */
export function bar1Base(gpu: number): number {
  return 0x380000000000 + (gpu - 1) * 0x10000000000;
}

/** Size of a V100-SXM2-32GB's BAR1, the GPU the published gdrcopy numbers come from. */
export const DEFAULT_BAR1_BYTES = 32 * 1024 * 1024 * 1024;

/**
 * Pick `n` free 64 KiB BAR1 pages out of `total`, given the pages in use (any order). Returns page indices from
 * the BAR1 base, in the order the pin's GPU pages get them, or null when fewer than n are free.
 */
export function allocBar1Pages(used: readonly number[], total: number, n: number): number[] | null {
  const sorted = [...used].sort((a, b) => a - b);
  const holes: [number, number][] = [];
  let cursor = 0;
  for (const p of sorted) {
    if (p > cursor) holes.push([cursor, p]);
    cursor = Math.max(cursor, p + 1);
  }
  if (cursor < total) holes.push([cursor, total]);
  const fit = holes.find(([lo, hi]) => hi - lo >= n);
  const out: number[] = [];
  if (fit) {
    for (let p = fit[0]; p < fit[0] + n; p++) out.push(p);
    return out;
  }
  for (const [lo, hi] of holes) {
    for (let p = lo; p < hi && out.length < n; p++) out.push(p);
    if (out.length === n) return out;
  }
  return null;
}

export function bar1Pages(bar1Bytes: number): number {
  return Math.floor(bar1Bytes / GPU_PAGE_SIZE);
}

/**
 * gdrdrv_mmap's walk: runs of physically contiguous 64 KiB pages, as [first entry, entries, bus address].
 */
export function coalesce(pageTable: readonly number[]): [number, number, number][] {
  const runs: [number, number, number][] = [];
  let p = 0;
  while (p < pageTable.length) {
    const start = p;
    let prev = pageTable[p++];
    while (p < pageTable.length && pageTable[p] === prev + GPU_PAGE_SIZE) prev = pageTable[p++];
    runs.push([start, p - start, pageTable[start]]);
  }
  return runs;
}
