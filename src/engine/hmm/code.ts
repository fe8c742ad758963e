/**
 * Pseudo-code of the HMM paths: the kernel's migrate_vma / migrate_device helpers (mm/migrate_device.c), the
 * dmirror test driver that uses them (lib/test_hmm.c) and the fault entry (mm/memory.c). Function names and files
 * are the real ones; the lines are ours, paraphrased for someone who has never read the code. Each label is what
 * the engine passes to steps.at.
 *
 * The UVM driver drives the very same sequence for pageable memory: uvm_migrate_pageable → migrate_pageable_vma_region
 * → nv_migrate_vma (kernel-open/nvidia-uvm/uvm_migrate_pageable.c) calls migrate_vma_setup,
 * uvm_migrate_vma_alloc_and_copy, migrate_vma_pages, uvm_migrate_vma_finalize_and_map, migrate_vma_finalize —
 * setup, alloc-and-copy, pages, finalize-and-map, finalize. `fnNvMigrateVma` shows it for reference; the model
 * runs the dmirror driver's versions of the two driver steps.
 */

import { defineFunction } from '../core/code';

const MIGRATE_DEVICE = 'mm/migrate_device.c';
const TEST_HMM = 'lib/test_hmm.c';

export const fnNvMigrateVma = defineFunction('nv_migrate_vma', 'kernel-open/nvidia-uvm/uvm_migrate_pageable.c', {
  entry: 'nv_migrate_vma(args, state)  [UVM: one window of a cudaMemPrefetchAsync / migration of pageable memory]',
  setup: 'migrate_vma_setup(args) with MIGRATE_VMA_SELECT_SYSTEM: collect and unmap the CPU pages',
  alloc: 'uvm_migrate_vma_alloc_and_copy: allocate GPU pages from the PMM and copy with the copy engines',
  pages: 'migrate_vma_pages(args): the kernel commits the struct-page moves',
  map: 'uvm_migrate_vma_finalize_and_map: map the pages that really moved on the GPU',
  finalize: 'migrate_vma_finalize(args): migration entries become the new entries; unlock; free the old pages',
});

export const fnMigrateToDevice = defineFunction('dmirror_migrate_to_device', TEST_HMM, {
  entry: 'dmirror_migrate_to_device(dmirror, cmd)  [ioctl HMM_DMIRROR_MIGRATE_TO_DEV]',
  window: 'for each window of at most 512 pages inside one VMA  (UVM\'s nv_migrate_vma makes the same five calls)',
  novma: 'no VMA (or not readable) at this address: return -EINVAL',
  args: 'args = { vma, start, end, src, dst, pgmap_owner = this device, flags = SELECT_SYSTEM }',
  setup: 'migrate_vma_setup(&args)',
  alloc: 'dmirror_migrate_alloc_and_copy(&args, dmirror)',
  pages: 'migrate_vma_pages(&args)',
  map: 'dmirror_migrate_finalize_and_map(&args, dmirror)',
  finalize: 'migrate_vma_finalize(&args)',
  done: 'the window is done; its src[] / dst[] arrays are released',
});

export const fnMigrateToSystem = defineFunction('dmirror_migrate_to_system', TEST_HMM, {
  entry: 'dmirror_migrate_to_system(dmirror, cmd)  [ioctl HMM_DMIRROR_MIGRATE_TO_SYS]',
  window: 'for each window of at most 512 pages inside one VMA',
  novma: 'no VMA (or not readable) at this address: return -EINVAL',
  args: 'args = { …, pgmap_owner = this device, flags = SELECT_DEVICE_PRIVATE }: only this device\'s pages move',
  setup: 'migrate_vma_setup(&args)',
  alloc: 'dmirror_devmem_fault_alloc_and_copy(&args, dmirror): the same routine as the CPU fault path',
  pages: 'migrate_vma_pages(&args)',
  finalize: 'migrate_vma_finalize(&args)',
  done: 'the window is done; its src[] / dst[] arrays are released',
});

export const fnMigrateVmaSetup = defineFunction('migrate_vma_setup', MIGRATE_DEVICE, {
  entry: 'migrate_vma_setup(args)',
  check: 'refuse a VM_SPECIAL (VM_PFNMAP, VM_IO) or hugetlb VMA; zero src[] and dst[]',
  notify: 'mmu_notifier_invalidate_range_start(MMU_NOTIFY_MIGRATE, owner): other mirrors drop the range; the owner\'s own notifier ignores it',
  walk: 'migrate_vma_collect: walk the PTEs of [start, end)',
  hole: 'pte_none in an anonymous VMA: src[i] = MIGRATE with no page: the driver will clear a fresh page',
  skip: 'not selected (wrong kind of page, another owner, or the page lock is taken): src[i] = 0',
  collect: 'take a reference on the page and trylock it',
  unmap: 'replace the PTE by a migration entry (remembering write access); drop the rmap and the PTE\'s reference',
  record: 'src[i] = migrate_pfn(pfn) | MIGRATE (| WRITE if the PTE was writable)',
  isolate: 'migrate_device_unmap: isolate the system page from the LRU',
  flush: 'flush_tlb_range: no CPU may keep using the old translation',
  ret: 'return; args->cpages counts the pages collected',
});

export const fnAllocAndCopy = defineFunction('dmirror_migrate_alloc_and_copy', TEST_HMM, {
  entry: 'dmirror_migrate_alloc_and_copy(args, dmirror)',
  skip: 'src[i] without MIGRATE, or already a device page: leave dst[i] = 0',
  alloc: 'dpage = dmirror_devmem_alloc_page(mdevice)',
  nomem: 'no device page: leave dst[i] = 0 (this page stays where it is)',
  copy: 'copy_highpage(BACKING_PAGE(dpage), spage): the data goes to the device',
  clear: 'no source page (pte_none): clear_highpage(BACKING_PAGE(dpage))',
  owner: 'rpage->zone_device_data = dmirror: the backing page remembers its mirror',
  dst: 'dst[i] = migrate_pfn(page_to_pfn(dpage)) | WRITE if src[i] had WRITE',
  cost: 'the window\'s copies complete (model: one batched HtoD transfer over the link)',
});

export const fnDevmemAllocPage = defineFunction('dmirror_devmem_alloc_page', TEST_HMM, {
  entry: 'dmirror_devmem_alloc_page(mdevice)',
  rpage: 'rpage = alloc_page(GFP_HIGHUSER): a system page that will hold this fake device page\'s bytes',
  pop: 'take the head of mdevice->free_pages (its link is in zone_device_data); calloc++',
  chunk: 'free_pages is empty: dmirror_allocate_chunk(mdevice, &dpage)',
  init: 'zone_device_page_init(dpage): refcount 1, locked; dpage->zone_device_data = rpage',
});

export const fnAllocateChunk = defineFunction('dmirror_allocate_chunk', TEST_HMM, {
  entry: 'dmirror_allocate_chunk(mdevice, ppage)',
  region: 'request_free_mem_region(DEVMEM_CHUNK_SIZE): an unused physical range (no memory behind it)',
  memremap: 'memremap_pages(MEMORY_DEVICE_PRIVATE): struct pages for every pfn of the chunk',
  capacity: 'devmem_chunks[] full: grow it by 16; devmem_chunks[devmem_count++] = chunk',
  thread: 'push every page of the chunk on free_pages (the last pfn ends up at the head)',
  take: 'hand the head to the caller (*ppage); calloc++',
});

export const fnMigrateVmaPages = defineFunction('migrate_vma_pages', MIGRATE_DEVICE, {
  entry: 'migrate_vma_pages(args) → __migrate_device_pages: the commit point',
  skip: 'src[i] without MIGRATE: nothing to do',
  nodst: 'dst[i] is empty: the driver declined; clear MIGRATE so finalize restores the old PTE',
  insert: 'no source page (pte_none): migrate_vma_insert_page puts the new page straight into the PTE',
  file: 'a file-backed page cannot become device-private: clear MIGRATE',
  move: 'migrate_folio: the new page takes the old one\'s mapping, index and flags',
});

export const fnMigrateDevicePages = defineFunction('migrate_device_pages', MIGRATE_DEVICE, {
  entry: 'migrate_device_pages(src_pfns, dst_pfns, npages) → __migrate_device_pages: the commit point',
  skip: 'src[i] without MIGRATE: nothing to do',
  nodst: 'dst[i] is empty: clear MIGRATE so finalize restores the old PTE',
  insert: '(never here: a device range has no pte_none entries)',
  file: '(never here: device pages are anonymous)',
  move: 'migrate_folio: the new page takes the old one\'s mapping, index and flags',
});

export const fnFinalizeAndMap = defineFunction('dmirror_migrate_finalize_and_map', TEST_HMM, {
  entry: 'dmirror_migrate_finalize_and_map(args, dmirror)',
  skip: 'src[i] lost MIGRATE or dst[i] is empty: not mapped on the device',
  store: 'xa_store(&dmirror->pt, vpfn, BACKING_PAGE(dpage)), tagged WRITE if dst[i] has WRITE',
});

export const fnMigrateVmaFinalize = defineFunction('migrate_vma_finalize', MIGRATE_DEVICE, {
  entry: 'migrate_vma_finalize(args) → migrate_device_finalize',
  hole: 'no source page: unlock and put the new page (its PTE holds its own reference)',
  restore: 'not migrated: unlock and put the unused new page; the old page goes back',
  remove: 'remove_migration_ptes: the migration entry becomes the new entry (present PTE, or device-private entry to the device page)',
  unlock: 'unlock the old page (not the fault page: do_swap_page holds that lock)',
  putsrc: 'put the old page: a system page is freed, a device page\'s refcount drops (folio_free at zero)',
  putdst: 'unlock the new page and drop the allocation reference; a system page joins the LRU',
});

export const fnMigrateDeviceFinalize = defineFunction('migrate_device_finalize', MIGRATE_DEVICE, {
  entry: 'migrate_device_finalize(src_pfns, dst_pfns, npages)',
  hole: '(never here: every entry of a device range has a page or is 0)',
  restore: 'not migrated: unlock and put the unused new page; the device page stays mapped',
  remove: 'remove_migration_ptes: each migration entry of the device page becomes a present PTE to the new page',
  unlock: 'unlock the device page',
  putsrc: 'put the device page: refcount 0 → folio_free (not recycled: the chunk is being removed)',
  putdst: 'unlock the new system page, put it on the LRU, drop the allocation reference',
});

export const fnDoSwapPage = defineFunction('do_swap_page', 'mm/memory.c', {
  entry: 'do_swap_page(vmf)  [the PTE is a swap-type entry]',
  device: 'is_device_private_entry: vmf->page = the device page; trylock it and take a reference',
  call: 'ret = vmf->page->pgmap->ops->migrate_to_ram(vmf)',
  put: 'unlock_page, put_page: the device page\'s last reference may go here (→ folio_free)',
});

export const fnDevmemFault = defineFunction('dmirror_devmem_fault', TEST_HMM, {
  entry: 'dmirror_devmem_fault(vmf)  [pgmap->ops->migrate_to_ram]',
  owner: 'dmirror = BACKING_PAGE(vmf->page)->zone_device_data: the mirror that owns the page',
  args: 'args = { start = the faulting page, end = +4 KiB, pgmap_owner = device, flags = SELECT_DEVICE_PRIVATE, fault_page = vmf->page }',
  setup: 'migrate_vma_setup(&args)',
  none: 'args.cpages == 0: someone else migrated it already; return 0',
  alloc: 'dmirror_devmem_fault_alloc_and_copy(&args, dmirror)',
  pages: 'migrate_vma_pages(&args)',
  finalize: 'migrate_vma_finalize(&args)',
  ret: 'return 0: the fault is handled, the access is retried on the new page',
});

export const fnFaultAllocAndCopy = defineFunction('dmirror_devmem_fault_alloc_and_copy', TEST_HMM, {
  entry: 'dmirror_devmem_fault_alloc_and_copy(args, dmirror)',
  skip: 'src[i] without MIGRATE (or no page): leave dst[i] = 0',
  alloc: 'dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE); lock_page(dpage)',
  erase: 'xa_erase(&dmirror->pt, addr >> PAGE_SHIFT): the device loses its mapping',
  copy: 'copy_highpage(dpage, BACKING_PAGE(spage)): the data comes back to system memory',
  dst: 'dst[i] = migrate_pfn(page_to_pfn(dpage)) | WRITE if src[i] had WRITE',
  cost: 'the copies complete (model: one batched DtoH transfer)',
});

export const fnDevmemFree = defineFunction('dmirror_devmem_free', TEST_HMM, {
  entry: 'dmirror_devmem_free(folio)  [pgmap->ops->folio_free: the refcount reached 0]',
  rpage: '__free_page(BACKING_PAGE(page)): the backing system page is released',
  recycle: 'the chunk stays: page->zone_device_data = free_pages; free_pages = page; cfree++',
  keep: 'chunk->remove is set: the page is not recycled',
});

export const fnZapDevicePrivate = defineFunction('zap_pte_range', 'mm/memory.c', {
  entry: 'zap_pte_range: a device-private entry',
  remove: 'page_remove_rmap(page); put_page(page): the PTE\'s reference goes',
});

export const fnIntervalInvalidate = defineFunction('dmirror_interval_invalidate', TEST_HMM, {
  entry: 'dmirror_interval_invalidate(mni, range, cur_seq)',
  own: 'range->event == MMU_NOTIFY_MIGRATE and range->owner == this device: return (the migration code handles it)',
  seq: 'mutex_lock(&dmirror->mutex); mmu_interval_set_seq(mni, cur_seq)',
  erase: 'dmirror_do_update: xa_erase every pt entry in [start, end)',
});

export const fnFopsOpen = defineFunction('dmirror_fops_open', TEST_HMM, {
  entry: 'dmirror_fops_open(inode, filp)  [a process opens /dev/hmm_dmirrorN]',
  alloc: 'dmirror = kzalloc; xa_init(&dmirror->pt)',
  notifier: 'mmu_interval_notifier_insert(&dmirror->notifier, current->mm, 0, ULONG_MAX & PAGE_MASK)',
});

export const fnDmirrorFault = defineFunction('dmirror_fault', TEST_HMM, {
  entry: 'dmirror_read/write → a page missing from pt (or read-only for a write): dmirror_fault(dmirror, start, end, write)',
  hit: 'the pt entry allows the access: the device uses it, no fault',
  begin: 'range.notifier_seq = mmu_interval_read_begin(range.notifier)',
  walk: 'hmm_range_fault(&range) with HMM_PFN_REQ_FAULT (| REQ_WRITE), dev_private_owner = this device',
  own: 'a device-private page of this device: hmm_range_fault returns it as is',
  fault: 'not present, or read-only for a write: hmm_vma_fault → handle_mm_fault',
  efault: 'nothing usable: return -EFAULT',
  store: 'dmirror_do_fault: xa_store(pt, vpfn, page), tagged WRITE if HMM_PFN_WRITE',
});

export const fnRemoveChunks = defineFunction('dmirror_device_remove_chunks', TEST_HMM, {
  entry: 'dmirror_device_remove_chunks(mdevice)  [ioctl HMM_DMIRROR_RELEASE, device release]',
  mark: 'devmem->remove = true: pages freed from now on are not recycled',
  unlink: 'dmirror_remove_free_pages(devmem): unlink the chunk\'s pages from free_pages',
  evict: 'dmirror_device_evict_chunk(devmem)',
  release: 'memunmap_pages; release_mem_region; kfree(devmem); devmem_count--',
  reset: 'no chunk left: devmem_count = devmem_capacity = 0, free_pages = NULL',
});

export const fnEvictChunk = defineFunction('dmirror_device_evict_chunk', TEST_HMM, {
  entry: 'dmirror_device_evict_chunk(chunk)',
  arrays: 'src_pfns = kvcalloc(npages), dst_pfns = kvcalloc(npages): one entry per pfn of the chunk',
  range: 'migrate_device_range(src_pfns, start_pfn, npages)',
  skip: 'src[i] without MIGRATE: a free page, nothing to move',
  alloc: 'dpage = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL); lock_page(dpage)',
  copy: 'copy_highpage(dpage, BACKING_PAGE(spage))',
  dst: 'dst[i] = migrate_pfn(page_to_pfn(dpage)) | WRITE if src[i] had WRITE',
  cost: 'the chunk\'s copies complete (model: one batched DtoH transfer)',
  pages: 'migrate_device_pages(src_pfns, dst_pfns, npages)',
  finalize: 'migrate_device_finalize(src_pfns, dst_pfns, npages)',
  free: 'kvfree(src_pfns); kvfree(dst_pfns)',
});

export const fnMigrateDeviceRange = defineFunction('migrate_device_range', MIGRATE_DEVICE, {
  entry: 'migrate_device_range(src_pfns, start, npages)  [no VMA: pfns of device memory]',
  free: 'get_page_unless_zero fails on a free page: src[i] = 0',
  lock: 'a busy page: reference taken, trylock_page; src[i] = migrate_pfn(pfn) | MIGRATE',
  unmap: 'migrate_device_unmap → try_to_migrate: the rmap finds every PTE mapping the page, in any process',
  invalidate: 'mmu_notifier_invalidate_range_start(MMU_NOTIFY_CLEAR): the device\'s mirror drops its entry too',
  migentry: 'the device-private PTE becomes a migration entry; the rmap and the PTE\'s reference go; flush the TLB entry',
});
