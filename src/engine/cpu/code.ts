/**
 * Pseudo-code of the CPU memory-manager paths (Linux 4.4 mm/, the kernel GAIA patches; the same structure holds in
 * later kernels, where do_read_fault and friends take a vm_fault and finish_fault replaces do_set_pte). Lines are
 * ours, paraphrased. Each label is what the engine passes to steps.at.
 */

import { defineFunction } from '../core/code';

const MEMORY = 'mm/memory.c';

export const fnHandleMmFault = defineFunction('handle_mm_fault', MEMORY, {
  entry: 'handle_mm_fault(mm, vma, address, flags)  [from the x86 page-fault handler]',
  vma: 'find_vma: the VMA covering the address must allow the access',
  segv: 'bad_area: no VMA or no permission: SIGSEGV',
  walk: '__handle_mm_fault: pud_alloc, pmd_alloc, pte_alloc: allocate missing page-table pages',
  pte: 'handle_pte_fault: read the PTE',
  none: 'pte_none: anonymous VMA → do_anonymous_page; file VMA → do_fault',
  driver: 'a driver\'s VMA (private address_space): vma->vm_ops->fault',
  wp: 'present but read-only and this is a write: do_wp_page',
  spurious: 'the PTE already allows the access: mark it young (and dirty), nothing else to do',
  migration: 'a migration entry: migration_entry_wait, then the fault is retried',
  device: 'a device-private entry: do_swap_page → pgmap->ops->migrate_to_ram',
  ret: 'return the fault result (VM_FAULT_MAJOR when the data came from disk)',
});

export const fnAnonPage = defineFunction('do_anonymous_page', MEMORY, {
  entry: 'do_anonymous_page(mm, vma, address, page_table)',
  alloc: 'alloc_zeroed_user_highpage_movable: a new page, zeroed  [model: no shared zero page]',
  set: 'page_add_new_anon_rmap, lru_cache_add; set_pte_at (writable and dirty if the VMA allows writes)',
});

export const fnReadFault = defineFunction('do_read_fault', MEMORY, {
  entry: 'do_read_fault(mm, vma, address, pgoff)',
  fault: '__do_fault → vma->vm_ops->fault = filemap_fault',
  map: 'do_set_pte: map the page read-only (a later write takes a write-protect fault); page_add_file_rmap',
  unlock: 'unlock_page: the reference now belongs to the PTE',
});

export const fnCowFault = defineFunction('do_cow_fault', MEMORY, {
  entry: 'do_cow_fault(mm, vma, address, pgoff)  [write to a private file mapping]',
  alloc: 'alloc_page_vma: a private page for this process',
  fault: '__do_fault → filemap_fault: the file page',
  copy: 'copy_user_highpage: copy the file page into the private one',
  map: 'do_set_pte: map the copy writable and dirty (an anonymous page now)',
  put: 'unlock_page, page_cache_release: the file page stays in the cache',
});

export const fnSharedFault = defineFunction('do_shared_fault', MEMORY, {
  entry: 'do_shared_fault(mm, vma, address, pgoff)  [write to a shared file mapping]',
  fault: '__do_fault → filemap_fault',
  mkwrite: 'do_page_mkwrite: the filesystem is told the page will be written',
  map: 'do_set_pte: map the page writable and dirty; page_add_file_rmap',
  dirty: 'set_page_dirty: the page cache must write it back',
});

export const fnWpPage = defineFunction('do_wp_page', MEMORY, {
  entry: 'do_wp_page(mm, vma, address, page_table, orig_pte)',
  shared: 'wp_page_shared: page_mkwrite, then make the PTE writable and dirty',
  dirty: 'set_page_dirty (again dirty after write-back cleaned it)',
  reuse: 'wp_page_reuse: the only user of an anonymous page just gets write access',
  copy: 'wp_page_copy: copy the page, map the copy writable, drop the old one',
});

export const fnMmap = defineFunction('do_mmap', 'mm/mmap.c', {
  entry: 'do_mmap(file, addr, len, prot, flags, pgoff)',
  area: 'get_unmapped_area: pick the address (or take the one asked for)',
  vma: 'mmap_region: a new vm_area_struct with its flags, file and pgoff  [GAIA: gpu_mapped for MAP_ON_GPU]',
  driver: 'a file with its own mmap: call_mmap → file->f_op->mmap(file, vma), which may refuse the VMA',
  link: 'vma_link: the VMA joins the mm, and for a file its f_mapping->i_mmap (where unmap_mapping_range will find it)',
});

export const fnMunmap = defineFunction('do_munmap', 'mm/mmap.c', {
  entry: 'do_munmap(mm, start, len)',
  split: '__split_vma: cut the VMAs that straddle the range',
  unmap: 'unmap_region → zap_pte_range: clear each PTE, drop its page reference (a dirty PTE → set_page_dirty)',
  tlb: 'tlb_finish_mmu: flush the TLB for the range',
  remove: 'remove_vma_list: free the VMAs (dirty file pages stay in the page cache)',
});

export const fnUnmapMappingRange = defineFunction('unmap_mapping_range', MEMORY, {
  entry: 'unmap_mapping_range(mapping, holebegin, holelen, even_cows)',
  walk: 'for each VMA in mapping->i_mmap overlapping the range: every process that maps this address_space',
  zap: 'unmap_mapping_range_vma → zap_page_range_single: clear the PTEs of that VMA\'s part of the range',
  tlb: 'flush the TLB of each process touched',
});

export const fnMsync = defineFunction('msync', 'mm/msync.c', {
  entry: 'SYSCALL msync(start, len, MS_SYNC)',
  vma: 'for each VMA of the range',
  fsync: 'a shared file mapping: vfs_fsync_range(file, fstart, fend, 1)',
  ret: 'return 0',
});

export const fnMkclean = defineFunction('page_mkclean', 'mm/rmap.c', {
  entry: 'page_mkclean(page)  [from clear_page_dirty_for_io]',
  walk: 'rmap_walk_file: every VMA of the mapping that covers the page',
  clean: 'page_mkclean_one: write-protect and clean the PTE; flush the TLB entry',
});
