/** GAIA's transition kinds (ranges in core/kinds.ts: state 54–57, events 165–189). */

import { defineKinds } from '../core/kinds';

export const GK = defineKinds({
  /** The shared GPU mapping of a file region (which GPU; 0 = none). */
  gaiaMap: 54,
  /** A va_block's GAIA masks: page_from_cache and the GPU-written (differs from shadow) pages. */
  gaiaBlock: 55,
  /** The process's mapping of a scenario region (the VMA id + 1 of a file region's cpu.mmap; 0 = unmapped). */
  regionMapping: 56,
  /** An armed fault injection of a file region (gaia.inject): the check (+ 1, 0 = none) and the file indices. */
  gaiaInject: 57,
  /** obj = region, idx = gpu, x = CPU VMA, y = pages touched. gmmap finished: the file is shared with the GPU. */
  gaiaMapped: 165,
  /** obj = block, idx = page, x = file page pfn, y = file index. uvm_populate_page_from_cache copied a page in. */
  populate: 166,
  /** obj = region, idx = first index, x = gpu, y = dropped so far. maquire dropped a GPU page. */
  maquireDrop: 167,
  /** obj = region, idx = index, x = gpu. maquire found a CPU-dirty page with no GPU copy (gpu_missing). */
  maquireMissing: 168,
  /** obj = region, idx = dropped, x = missing, y = result. maquire returned. */
  maquireDone: 169,
  /** obj = region, idx = first index, x = gpu, y = 1 dirty / 0 clean. mrelease asked is_gpu_page_dirty. */
  mreleaseCheck: 170,
  /** obj = region, idx = released, x = skipped, y = unmapped PTEs. mrelease returned. */
  mreleaseDone: 171,
  /** obj = file, idx = index, x = reason (see GET_PAGE_FAILURES), y = pfn. get_page_from_gpu could not serve. */
  getPageFailed: 172,
  /**
   * obj = file, idx = index, x = the processor UVM read the page from (0: its own CPU page, nothing crossed the link),
   * y = bytes read from a GPU. retrive_cached_page merged the GPU's copy into the CPU page.
   */
  retrieved: 173,
  /** obj = block, idx = first page, x = gpu, y = pages. invalidate_cached_page evicted the block's GPU copy. */
  invalidated: 174,
  /** obj = region, idx = 0, x = errno-like code, y = 0. A GAIA call refused (bad flags, no shared VMA…). */
  callRefused: 175,
  /** obj = region, idx = file index, x = the check made to fail (GET_PAGE_FAILURES), y = 0. An injection fired. */
  injectionFired: 176,
});

/**
 * Why get_page_from_gpu gave up, in the order its checks run (mm/filemap.c get_page_from_gpu); the same order as the
 * scenario's `gaia.inject` faults (GAIA_FAULTS).
 */
export const GET_PAGE_FAILURES = ['no CPU page', 'no GPU page', 'no private data', 'no GPU-mapped VMA', 'no retrive_cached_page callback'];
export const REFUSALS = [
  'flags name no GPU',
  'no gpu_mapped_shared VMA at the address',
  'the shared VMA has no GAIA callbacks',
  'no CPU mapping of the file',
  'the file is already shared with a GPU (one shared range and one GAIA GPU row per file)',
];
