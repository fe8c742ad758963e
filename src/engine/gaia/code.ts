/**
 * Pseudo-code of GAIA's paths (acsl-technion/gaia_linux patch 0004: mm/msync.c, mm/filemap.c; gaia_nvidia f9943bb:
 * uvm8.c, uvm8_va_block.c, uvm8_va_range.c). Names are theirs, lines ours.
 */

import { defineFunction } from '../core/code';

export const fnGmmap = defineFunction('map_file_on_gpu', 'GAIA_libmmap/mmap.cu', {
  entry: 'gmmap(addr, len, prot, flags | MAP_ON_GPU, fd, off)',
  mmap: 'mmap the file for the CPU (do_mmap sees MAP_ON_GPU: vma->gpu_mapped)',
  malloc: 'cudaMallocManaged(len): the shared range, in the nvidia-uvm VMA (gpu_mapped_shared)',
  mapRange: 'ioctl UVM_MAP_VMA_RANGE: va_space->mmap_array gets {uvm range, cpu vma}',
  touch: 'UVM_TOUCH_RANGE (skip_cache on): the CPU touches every 4 KiB of the shared range, then skip_cache off',
  ret: 'return the shared address: CPU and GPU code use it',
});

export const fnPopulate = defineFunction('uvm_populate_page_from_cache', 'kernel/nvidia-uvm/uvm8_va_block.c', {
  entry: 'uvm_populate_page_from_cache(block, page)   // from block_copy_resident_pages_between',
  addr: 'cpu_addr = cpu_vma->vm_start + (shared_addr - map->start); file index = (cpu_addr - vm_start) / 4096',
  lookup: 'find_get_page(mapping, index); on a miss read it (readahead, page_cache_read)',
  copy: 'copy the file page into UVM\u2019s CPU page; keep a shadow copy (the twin for later diffs)',
  clean: 'clear PG_dirty_GPU and the CPU_DIRTY tag: the GPU now has what the CPU wrote',
  gpuPage: '16th page of a 64 KiB group: the group\u2019s struct page joins the page cache (add_to_page_cache_gpu)',
});

export const fnMaquire = defineFunction('maquire', 'mm/msync.c', {
  entry: 'maquire(start, len, flags)',
  check: 'flags \u2286 MA_PROC_NVIDIA|MA_PROC_AMD, start page aligned, no wrap',
  vmas: 'shared_vma = find_vma(start): must be gpu_mapped_shared with get_mmaped_file and invalidate_cached_page',
  cpuAddr: 'cpu_addr = get_cpu_addr(shared_vma, start, end); cpu_vma = find_vma(cpu_addr); file range [index, end]',
  fsync: 'vfs_fsync_range: write back CPU-dirty pages (tag_pages_for_writeback marks CPU_DIRTY)',
  scan: 'find_get_taged_pages_idx(mapping, &index, 1025, idx[], CPU_DIRTY): the next batch',
  gpuPage: 'gpu_page = pagecache_get_gpu_page(mapping, idx, GPU_NVIDIA)',
  drop: '__delete_from_page_cache_gpu + ClearPageonGPU: the GPU copy leaves the page cache',
  invalidate: 'invalidate_cached_page(shared_vma, shared_addr): UVM drops the GPU copy',
  missing: 'no GPU copy of this CPU-dirty page: gpu_missing++',
  clearTag: 'clear CPU_DIRTY on the index',
  ret: 'return the number of GPU pages dropped (-1 if none)',
});

export const fnMrelease = defineFunction('mrelease', 'mm/msync.c', {
  entry: 'mrelease(start, len, flags)',
  check: 'flags, alignment; the shared VMA needs is_gpu_page_dirty and get_cpu_addr',
  range: 'the range is the whole CPU VMA of the file (len is not used)',
  scan: 'find_get_taged_pages_idx(mapping, &index, 1025, idx[], ON_GPU): the next batch',
  pdata: 'no private data on the GPU page: skip it',
  dirty: 'is_gpu_page_dirty(shared_vma, gpu_page): did the GPU write any of its 16 pages?',
  version: 'increase_page_version(mapping, idx, GPU_NVIDIA): the GPU copy is now the newest',
  unmap: 'try_to_unmap each of the 16 CPU pages: the next CPU access faults',
  ret: 'return: nothing copied yet (lazy release)',
});

export const fnGetPageFromGpu = defineFunction('get_page_from_gpu', 'mm/filemap.c', {
  entry: 'get_page_from_gpu(mapping, off, page)   // the CPU page is stale: a GPU has a newer version',
  cpuPage: 'if (!page): "can\u2019t call this func without a backing up cpu page"',
  lookup: 'gpu_page = pagecache_get_gpu_page(mapping, off, GPU_NVIDIA): walk to the leaf, gpu_pages[0][(off % 64) / 16], PageonGPU',
  pdata: 'pdata = gpu_page->private: shared_addr and the GPU-mapped VMA (uvm_populate_page_from_cache set it)',
  vma: 'pdata->gpu_maped_vma must be set',
  ops: 'its ucm_vm_ops and ucm_vm_ops->retrive_cached_page must be set (GAIA\u2019s uvm_mmap installs them on every nvidia-uvm VMA)',
  retrieve: 'retrive_cached_page(shared_addr + (off % 16) * 4096, page): UVM reads 4 KiB from the GPU, merges changed words',
  version: 'set_page_version_as_on(mapping, off, SYS_CPU, GPU_NVIDIA): the CPU has seen the GPU\u2019s write',
  fail: 'return NULL: the caller gets no page',
  ret: 'return the page',
});

export const fnGaiaInject = defineFunction('gaia_inject', 'UVMScope fault injection (not kernel code)', {
  entry: 'inject a failure into get_page_from_gpu: GAIA\u2019s own paths never take these branches (docs/model.md says why)',
  arm: 'arm it: the next get_page_from_gpu on a file index of the range takes the failing branch of the chosen check, once',
});

export const fnInvalidateCached = defineFunction('uvm_vm_invalidate_cached_page', 'kernel/nvidia-uvm/uvm8.c', {
  entry: 'uvm_vm_invalidate_cached_page(vma, shared_addr)',
  block: 'find the va_block holding shared_addr',
  evict: 'block_evict_pages_from_gpu: the whole block leaves the GPU (first registered GPU)',
  forget: 'page_from_cache[] := false for the 16 pages: the next access repopulates from the page cache',
});

export const fnRetrieve = defineFunction('uvm_vm_retrive_cached_page', 'kernel/nvidia-uvm/uvm8.c', {
  entry: 'uvm_vm_retrive_cached_page(shared_addr, cpu_page)',
  read: 'uvm_va_block_read_to_cpu: 4 KiB from the GPU into a staging page',
  merge: 'equal to the shadow? copy whole; else merge the 8-byte words that differ from the shadow',
  shadow: 'refresh the shadow: the page is clean again from the GPU\u2019s side',
});
