/**
 * Transition kinds of the page cache (range 30–37 state, 100–119 events, see core/kinds.ts). State writes carry
 * before/after; events (heap 0) carry a payload documented per kind as obj / idx / x / y.
 */

import { defineKinds } from '../core/kinds';

export const PK = defineKinds({
  // ---- state writes ----
  /** an address_space word (root node, height, nrpages, GPU page count, root tags, gpu_lra ends); obj = file. */
  pcFile: 30,
  /** a radix_tree_node header word (parent, offset, height, count, count_gpu, free link); obj = node. */
  pcNode: 31,
  /** a CPU slot (slots[]) of a node: child node + 1 or page pfn + 1; obj = node. */
  pcSlot: 32,
  /** a GAIA gpu_pages[gpu][4] slot of a leaf: pfn + 1 of the GPU page's struct page; obj = node. */
  pcGpuSlot: 33,
  /** a tag bitmap word of a node (tag t, slots 32w..32w+31); obj = node. */
  pcTag: 34,
  /** a TSVT version that grows (increase_page_version, set_page_version_as_on, write-back); obj = node. */
  pcTsvt: 35,
  /** a TSVT version (re)initialised: node init/free, a row set from `latest`, a row reset on delete; obj = node. */
  pcTsvtReset: 36,
  /** a gpu_lra list link of a GPU page's struct page (GAIA mapping->gpu_lra); obj = pfn. */
  pcLra: 37,

  // ---- events ----
  /** obj = file, idx = page index, x = pfn, y = bytes. A page read from disk (readpage). */
  diskRead: 100,
  /** obj = file, idx = first page index, x = pages, y = bytes. One write-back I/O of a contiguous run. */
  diskWrite: 101,
  /** obj = node, idx = file, x = height (1 = leaf), y = first index covered. A radix node was allocated. */
  nodeAlloc: 102,
  /** obj = node, idx = file, x = height, y = first index covered. A radix node was freed. */
  nodeFree: 103,
  /** obj = file, idx = index, x = pfn, y = 0. A CPU page entered the page cache. */
  pageInsert: 104,
  /** obj = file, idx = index, x = pfn, y = 0. A CPU page left the page cache. */
  pageDelete: 105,
  /** obj = file, idx = first index of the 64 KiB group, x = gpu, y = pfn. add_to_page_cache_gpu. */
  gpuInsert: 106,
  /** obj = file, idx = first index of the 64 KiB group, x = gpu, y = pfn. __delete_from_page_cache_gpu. */
  gpuDelete: 107,
  /** obj = file, idx = index, x = first stale column (processor), y = pfn. A CPU page older than `latest`. */
  stale: 108,
  /** obj = file, idx = index, x = pfn, y = 0. A page-cache lookup hit. */
  cacheHit: 109,
  /** obj = file, idx = index, x = 0, y = 0. A page-cache lookup miss. */
  cacheMiss: 110,
  /** obj = file, idx = 0, x = old height, y = new height. radix_tree_extend / radix_tree_shrink. */
  treeHeight: 111,
  /** obj = file, idx = first index, x = pages tagged, y = tag. A range tag pass (radix_tree_range_tag_if_tagged). */
  rangeTag: 112,
  /**
   * obj = file, idx = index, x = pfn, y = 1 when the fault retries the lookup, 0 when it gave up and mapped the stale
   * page. GAIA: get_page_from_gpu returned NULL for a stale cached page.
   */
  staleRetry: 113,
} as const);
