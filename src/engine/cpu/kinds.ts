/**
 * Transition kinds of the CPU memory manager (range 38–43 state, 120–134 events, see core/kinds.ts). State writes
 * carry before/after; events (heap 0) carry a payload documented per kind as obj / idx / x / y.
 *
 * struct page lives here too (cpu/memmap.ts): the page cache and anonymous memory share one mem_map, as in Linux.
 */

import { defineKinds } from '../core/kinds';

export const MK = defineKinds({
  // ---- state writes ----
  /** struct page flags word (PG_locked, PG_uptodate, PG_dirty, PG_onGPU, …); obj = pfn. */
  pageFlags: 38,
  /** other struct page words (_count, _mapcount, mapping, index, GAIA private) and the frame allocator; obj = pfn. */
  pageField: 39,
  /** a vm_area_struct word (range, flags, file, pgoff, list link); obj = vma. */
  vma: 40,
  /** a page-table record or directory entry (PGD/PUD/PMD); obj = table. */
  pgtable: 41,
  /** a PTE word (cpu/pte.ts encoding); obj = the PTE table, idx = word. */
  pte: 42,
  /** an mm_struct word (pgd, vma list head, rss); obj = mm. */
  mm: 43,

  // ---- events ----
  /** obj = mm, idx = vma, x = faulting VA, y = 1 for a write. handle_mm_fault entered. */
  mmFault: 120,
  /** obj = table, idx = mm, x = level (4 PGD … 1 PTE), y = table pfn. A page-table page was allocated. */
  pgtableAlloc: 121,
  /** obj = pfn, idx = mm, x = VA, y = 0. A zeroed anonymous page (do_anonymous_page / clear_user_highpage). */
  zeroPage: 122,
  /** obj = new pfn, idx = mm, x = VA, y = old pfn. A copy-on-write copy (wp_page_copy / do_cow_fault). */
  cowCopy: 123,
  /** obj = mm, idx = vma, x = VA, y = pfn. Write-protect fault made a shared PTE writable (wp_page_shared). */
  wpShared: 124,
  /** obj = mm, idx = 0, x = start VA, y = pages. TLB flush of a range (flush_tlb_range / tlb_finish_mmu). */
  tlbFlush: 125,
  /** obj = mm, idx = 0, x = start VA, y = length in bytes. msync(MS_SYNC) entered. */
  msync: 126,
  /** obj = mm, idx = 0, x = start VA, y = length in bytes. munmap entered. */
  munmap: 127,
  /** obj = address_space, idx = first file page, x = pages, y = PTEs removed (all processes). */
  unmapMappingRange: 128,
  /** obj = mm, idx = vma, x = VA, y = PTE word. A fault found a swap-type entry (migration / device-private). */
  swapEntryFault: 129,
  /** obj = pfn, idx = 0, x = mapcount cleaned, y = 0. page_mkclean write-protected the PTEs of a page. */
  mkclean: 130,
  /** obj = mm, idx = vma, x = start VA, y = end VA. A VMA was created (mmap) or split. */
  vmaCreate: 131,
  /** obj = mm, idx = vma, x = start VA, y = end VA. A VMA was removed. */
  vmaRemove: 132,
  /** obj = mm, idx = vma, x = VA, y = fault result bits. The fault ended with SIGSEGV/SIGBUS/RETRY. */
  faultError: 133,
} as const);
