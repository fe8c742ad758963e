/**
 * Pseudo-code of the gdrcopy paths: the user library (src/gdrapi.c), the kernel module (src/gdrdrv/gdrdrv.c) and
 * the two CUDA calls that start and end a device buffer's life. Names and files are gdrcopy's; the lines are ours,
 * written for someone who has never read the driver. Each label is what the model passes to `steps.at(...)`.
 */

import { defineFunction } from '../core/code';

const API = 'gdrcopy/src/gdrapi.c';
const DRV = 'gdrcopy/src/gdrdrv/gdrdrv.c';

export const fnCudaMalloc = defineFunction('cudaMalloc', 'CUDA runtime', {
  entry: 'cudaMalloc(&ptr, size): GPU memory on one GPU, in 64 KiB GPU pages',
  va: 'the allocation gets a unified virtual address; the CPU cannot touch it yet',
});

export const fnCudaFree = defineFunction('cudaFree', 'CUDA runtime', {
  entry: 'cudaFree(ptr)',
  callbacks: 'the GPU driver finds P2P pins on this memory and calls each one\u2019s free callback',
  release: 'the GPU memory goes back to the allocator',
});

export const fnGdrOpen = defineFunction('gdr_open', API, {
  entry: 'gdr_open(): open("/dev/gdrdrv", O_RDWR)',
  ret: 'return the handle g around the file descriptor',
});

export const fnGdrdrvOpen = defineFunction('gdrdrv_open', DRV, {
  entry: 'gdrdrv_open(inode, filp)',
  info: 'allocate a gdr_info: empty mr list, owner = this process, next_handle = 0',
  privateMapping: 'address_space_init_once(&info->mapping); filp->f_mapping = &info->mapping: this open file gets an address_space of its own',
  sharedMapping: 'counterfactual: keep filp->f_mapping = inode->i_mapping, one address_space shared by every open of /dev/gdrdrv',
});

export const fnGdrPin = defineFunction('gdr_pin_buffer', API, {
  entry: 'gdr_pin_buffer(g, addr, size, 0, 0, &mh)',
  ioctl: 'ioctl(fd, GDRDRV_IOC_PIN_BUFFER, {addr, size}) → __gdrdrv_pin_buffer',
  ret: 'return mh: the pages are pinned, but the CPU cannot reach them until gdr_map',
  failed: 'the ioctl failed: return its errno',
});

export const fnPinBuffer = defineFunction('__gdrdrv_pin_buffer', DRV, {
  entry: '__gdrdrv_pin_buffer(info, addr, size)',
  align: 'round [addr, addr + size) out to 64 KiB GPU pages: va = addr & ~0xffff, mapped_size = round_up(addr + size) − va, offset = addr & 0xffff',
  getPages: 'nvidia_p2p_get_pages(va, mapped_size, &page_table, free_callback, mr): the GPU driver pins the pages and maps them through BAR1',
  failed: 'nvidia_p2p_get_pages failed: free the mr, return the error',
  pageSize: 'require 64 KiB pages; page_table->pages[i] = bus address of GPU page i in BAR1',
  handle: 'gdr_generate_mr_handle: handle = next_handle; next_handle += mapped_size >> PAGE_SHIFT (4 KiB units)',
  list: 'list_add(mr, info->mr_list); return the handle',
});

export const fnGdrMap = defineFunction('gdr_map', API, {
  entry: 'gdr_map(g, mh, &ptr, size)',
  mappedAlready: 'the library already mapped this handle: return EAGAIN without asking the kernel',
  mmap: 'mmap(NULL, round_up(size, 4 KiB), RW, MAP_SHARED, fd, offset = handle << PAGE_SHIFT): the kernel makes a VMA on filp->f_mapping and calls gdrdrv_mmap',
  failed: 'mmap failed: the kernel drops the new VMA; return the errno',
  getInfo: 'gdr_get_info: learn the mapping type the driver chose',
});

export const fnGdrdrvMmap = defineFunction('gdrdrv_mmap', DRV, {
  entry: 'gdrdrv_mmap(filp, vma): vma = [start, start + len), vm_pgoff = handle',
  lookup: 'find the mr whose handle is vm_pgoff in this file\u2019s mr list',
  mapped: 'refuse an mr that is mapped already',
  invalidated: 'refuse an mr whose pages were taken back (cb_flag set)',
  table: 'refuse an mr with no page table',
  offset: 'refuse a pin that did not start on a 64 KiB boundary (mr->offset != 0)',
  size: 'refuse a mapping larger than the pinned pages',
  type: 'choose the CPU mapping type: nothing requested, no cache-coherent link, x86 → write-combining (WC)',
  coalesce: 'walk page_table: grow a run while the next 64 KiB page\u2019s bus address follows the last one',
  remap: 'gdrdrv_remap_gpu_mem: VM_DONTCOPY, WC protection, io_remap_pfn_range(vma, vaddr, paddr >> PAGE_SHIFT, run length)',
  record: 'mr->vma = vma; mr->mapping = filp->f_mapping; mr->cpu_mapping_type = WC',
});

export const fnCopyTo = defineFunction('gdr_copy_to_mapping', API, {
  entry: 'gdr_copy_to_mapping(mh, ptr + offset, host_buf, n)',
  check: 'the handle must be mapped (the library\u2019s own flag: it does not see invalidations)',
  align: 'store up to 15 bytes one by one until the destination is 16-byte aligned',
  stream: 'non-temporal 64/32/16-byte stores (AVX/SSE, chosen by CPUID) fill the WC buffers; each full buffer leaves as one posted PCIe write into BAR1',
  tail: 'the last bytes with aligned smaller stores',
  fence: 'sfence: flush the WC buffers so every write has left the CPU',
  fault: 'a store hit a page with no PTE: the CPU faults, and a VM_PFNMAP VMA without a fault handler means SIGBUS',
});

export const fnCopyFrom = defineFunction('gdr_copy_from_mapping', API, {
  entry: 'gdr_copy_from_mapping(mh, host_buf, ptr + offset, n)',
  check: 'the handle must be mapped (the library\u2019s own flag: it does not see invalidations)',
  align: 'load up to 15 bytes one by one until the source is 16-byte aligned',
  load: 'uncached 16/32/64-byte loads from the BAR: it is not prefetchable, so no burst reads; every load is a PCIe round trip',
  tail: 'the last bytes with aligned smaller loads',
  fault: 'a load hit a page with no PTE: the CPU faults, and a VM_PFNMAP VMA without a fault handler means SIGBUS',
});

export const fnFreeCallback = defineFunction('gdrdrv_get_pages_free_callback', DRV, {
  entry: 'gdrdrv_get_pages_free_callback(mr): the GPU driver takes the pages back',
  flag: 'down_write(mr->sem); mr->cb_flag = 1',
  freeTable: 'nvidia_p2p_free_page_table(page_table): the BAR1 bus addresses are gone',
  zap: 'the mr is mapped: gdr_mr_destroy_all_mappings → gdrdrv_zap_vma',
  clear: 'mr->page_table = NULL; cpu_mapping_type = NONE',
});

export const fnZapVma = defineFunction('gdrdrv_zap_vma', DRV, {
  entry: 'gdrdrv_zap_vma(mr->mapping, mr->vma)',
  range: 'unmap_mapping_range(mapping, vm_pgoff << PAGE_SHIFT, vm_end − vm_start): the file offsets [handle, handle + pages)',
  walk: 'the kernel walks mapping->i_mmap: every VMA on this address_space that maps any of those offsets',
  own: 'this mr\u2019s VMA: remove its PTEs (the VMA stays; touching it now raises SIGBUS)',
  other: 'a VMA of another open file whose offsets collide: its PTEs go too, only possible when files share inode->i_mapping',
});

export const fnGdrUnmap = defineFunction('gdr_unmap', API, {
  entry: 'gdr_unmap(g, mh, ptr, size)',
  notMapped: 'mh is not mapped: return EINVAL',
  munmap: 'munmap(ptr, size): the kernel removes the VMA and any PTEs left',
  close: 'gdrdrv_vma_close: mr->vma = NULL; cpu_mapping_type = NONE',
});

export const fnGdrUnpin = defineFunction('gdr_unpin_buffer', API, {
  entry: 'gdr_unpin_buffer(g, mh)',
  ioctl: 'ioctl(fd, GDRDRV_IOC_UNPIN_BUFFER, {handle}) → __gdrdrv_unpin_buffer',
  ret: 'free mh; the library never munmaps for you',
});

export const fnUnpinBuffer = defineFunction('__gdrdrv_unpin_buffer', DRV, {
  entry: '__gdrdrv_unpin_buffer(info, handle)',
  find: 'find the mr by handle under info->lock',
  zap: 'still mapped: gdr_mr_destroy_all_mappings → gdrdrv_zap_vma',
  unlink: 'list_del(mr): the handle is gone from this file',
  free: 'gdr_free_mr_unlocked(mr)',
});

export const fnFreeMr = defineFunction('gdr_free_mr_unlocked', DRV, {
  entry: 'gdr_free_mr_unlocked(mr)',
  putPages: 'nvidia_p2p_put_pages(va, page_table): unpin the pages and drop their BAR1 mapping',
  skip: 'page_table is NULL: the free callback took the pages back already',
  kfree: 'kfree(mr)',
});

export const fnGdrdrvRelease = defineFunction('gdrdrv_release', DRV, {
  entry: 'gdrdrv_release(inode, filp): the last reference to the file is gone',
  exitMmap: 'each VMA holds the file: its mappings are unmapped first (munmap, or exit_mmap when the process ends)',
  each: 'for each mr on info->mr_list: zap it if mapped, list_del, gdr_free_mr_unlocked',
  free: 'kfree(info), and with it the private address_space',
});
