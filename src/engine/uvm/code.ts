/**
 * Pseudo-code of the UVM driver paths the model steps through. Function names and files are the driver's
 * (kernel-open/nvidia-uvm/, 595.45.04); the lines are ours, written to be read by someone who has never seen the
 * driver. Each label is what the engine passes to `steps.at(...)`.
 */

import { defineFunction } from '../core/code';

const FAULTS = 'uvm_gpu_replayable_faults.c';
const BLOCK = 'uvm_va_block.c';

export const fnScenarioOp = defineFunction('scenario', 'scenario.yaml', {
  op: 'run the next step of the scenario',
  note: 'narration',
  bookmark: 'bookmark',
});

export const fnGpuKernel = defineFunction('gpu_kernel', 'the running CUDA kernel', {
  launch: 'kernel<<<grid, block>>>(…) starts; warps access memory',
  hits: 'warps whose pages are mapped with enough permission run on',
  fault: 'a warp touches an unmapped page: the GMMU writes a fault entry and the warp stalls',
  interrupt: 'the fault buffer raises an interrupt: the bottom half services it',
  done: 'every access of the kernel has completed',
});

export const fnServiceFaults = defineFunction('uvm_parent_gpu_service_replayable_faults', FAULTS, {
  entry: 'service_replayable_faults(gpu)',
  fetch: 'fetch_fault_buffer_entries: read up to 256 entries, coalesce repeats of the same page',
  preprocess: 'preprocess_fault_batch: translate to va_space, sort by address and access type',
  service: 'service_fault_batch: for each va_block with faults, service them under the block lock',
  replay: 'fault_buffer_flush + push_replay_on_gpu: drop what is left, replay, wait',
});

export const fnServiceBlockFaults = defineFunction('service_fault_batch_block_locked', FAULTS, {
  entry: 'service_fault_batch_block_locked(gpu, va_block, faults)',
  duplicate: 'skip a fault on a page already seen in this batch',
  authorized: 'skip a fault the GPU is already allowed (mapped since it was raised)',
  hint: 'uvm_perf_thrashing_get_hint: throttle or pin a thrashing page',
  throttle: 'THROTTLE: skip the fault; the warp will fault again after the replay',
  residency: 'uvm_va_block_select_residency: choose where each page should live',
  service: 'uvm_va_block_service_locked(block, service_context)',
});

export const fnCpuFault = defineFunction('uvm_va_space_cpu_fault', 'uvm_va_space.c', {
  entry: 'uvm_vm_fault → uvm_va_space_cpu_fault(vma, vmf)',
  spurious: 'the CPU may already access the page: nothing to do',
  hint: 'uvm_perf_thrashing_get_hint for the faulting page',
  throttle: 'THROTTLE: drop the locks and sleep for the nap, then retry',
  residency: 'uvm_va_block_select_residency(requester = CPU)',
  service: 'uvm_va_block_service_locked(block, region = the faulting page)',
  ret: 'return VM_FAULT_NOPAGE (major if data moved)',
});

export const fnServiceLocked = defineFunction('uvm_va_block_service_locked', BLOCK, {
  entry: 'uvm_va_block_service_locked(processor, va_block, service_context)',
  prefetch: 'uvm_va_block_get_prefetch_hint: add pages the prefetcher predicts',
  copy: 'uvm_va_block_service_copy: make the pages resident at each destination',
  finish: 'uvm_va_block_service_finish: set residency, compute permissions, map',
});

export const fnPrefetchHint = defineFunction('uvm_perf_prefetch_get_hint_va_block', 'uvm_perf_prefetch.c', {
  entry: 'prefetch hint for the faults of this block',
  single: 'all faulted pages must go to one destination, or no prefetch',
  init: 'init_bitmap_tree_from_region: leaves = pages resident on the destination or faulted',
  grow: 'grow_fault_granularity: fill each 64 KiB big page that holds a fault',
  walk: 'compute_prefetch_region: climb from each fault; a node more than 51% full qualifies',
  filter: 'drop faulted, thrashing (and, for the CPU, already mapped) pages',
});

export const fnMakeResident = defineFunction('uvm_va_block_make_resident_copy', BLOCK, {
  entry: 'uvm_va_block_make_resident_copy(block, dest, region, mask, cause)',
  unmap: 'uvm_va_block_unmap_mask: unmap every processor mapping the pages that move',
  revoke: 'read duplication: revoke write access of the other copies, keep them mapped',
  populate: 'block_populate_pages: allocate memory at the destination if the block has none there',
  zero: 'block_zero_new_gpu_chunk: CE memset of pages resident nowhere else',
  copy: 'block_copy_resident_pages: one CE copy per contiguous run of pages with one cause',
  firstTouch: 'pages resident nowhere become resident without a copy (first touch)',
});

export const fnMakeResidentFinish = defineFunction('uvm_va_block_make_resident_finish', BLOCK, {
  entry: 'uvm_va_block_make_resident_finish(block, dest, mask)',
  resident: 'set the pages resident at the destination; clear them where they were (memory stays allocated)',
  readDup: 'read duplication: keep the other copies and mark the pages read-duplicated',
  collapse: 'a write to read-duplicated pages: drop the other copies (break_read_duplication_in_region)',
  lru: 'block_mark_memory_used: the root chunk goes to the tail of the USED list',
});

export const fnMap = defineFunction('uvm_va_block_map', BLOCK, {
  entry: 'uvm_va_block_map(block, processor, pages, prot)',
  permission: 'compute_new_permission: promote a read to read-write(-atomic) when nothing else maps the page',
  tables: 'uvm_page_tree_get_ptes: allocate missing page-table levels',
  ptes: 'block_gpu_compute_new_pte_state: 2M, 64K or 4K PTEs; write them',
  tlb: 'uvm_tlb_batch_end: invalidate the GPU TLB for the changed range',
  cpu: 'vm_insert_page for each page of the CPU mapping',
});

export const fnUnmap = defineFunction('uvm_va_block_unmap', BLOCK, {
  entry: 'uvm_va_block_unmap(block, processor, pages)',
  gpu: 'write invalid PTEs, MEMBAR_SYS, invalidate the GPU TLB',
  cpu: 'block_unmap_cpu: remove the CPU PTEs through the va_space\u2019s address_space (a TLB shoot-down)',
});

export const fnEvict = defineFunction('evict_root_chunk', 'uvm_pmm_gpu.c', {
  entry: 'alloc_or_evict_root_chunk: PMA has no free root chunk',
  pick: 'pick_root_chunk_to_evict: a free chunk, else head of UNUSED, DISCARDED, then USED',
  start: 'chunk_start_eviction: take it off its list, pin it',
  evictBlock: 'uvm_va_block_evict_chunks: copy the GPU-resident pages of its block to sysmem',
  done: 'the evicted chunk is handed to the block that needed memory',
});

export const fnMigrate = defineFunction('uvm_migrate', 'uvm_migrate.c', {
  entry: 'cudaMemPrefetchAsync → uvm_api_migrate → uvm_migrate(range, dest)',
  pass1: 'pass 1: uvm_va_block_migrate_locked(MAKE_RESIDENT) for each block',
  pass2: 'pass 2: map the destination (and accessed-by processors) in each block',
  done: 'the stream waits on the tracker of the copies',
});

export const fnAdvise = defineFunction('uvm_api_set_policy', 'uvm_policy.c', {
  entry: 'cudaMemAdvise(ptr, size, advice, device)',
  readMostly: 'read_duplication_set: existing copies become read-duplicated (write access revoked)',
  unsetReadMostly: 'read_duplication_unset: keep one copy per page, drop the duplicates',
  preferred: 'preferred_location_set: unmap the preferred processor\u2019s remote mappings',
  accessedBy: 'accessed_by_set: map the processor to wherever the pages are',
  unsetAccessedBy: 'accessed_by_unset: drop the processor from the policy (mappings stay until the next migration)',
  unsetPreferred: 'preferred_location_unset',
});

export const fnSetup = defineFunction('process_start', 'the scenario\u2019s process (CUDA runtime)', {
  entry: 'the process starts: the CUDA runtime initialises (cuInit)',
  open: 'cuInit: open("/dev/nvidia-uvm") and ioctl(UVM_INITIALIZE): the process\u2019s va_space',
  registerGpu: 'UVM_REGISTER_GPU → uvm_va_space_register_gpu: create the GPU page tree (root PDE4 table)',
  ranges: 'cudaMallocManaged for each managed region: mmap of /dev/nvidia-uvm at file offset = address → uvm_mmap',
  platform: 'the files, anonymous memory and cudaMalloc buffers the scenario declares',
});

export const fnBlockUnmapCpu = defineFunction('block_unmap_cpu', BLOCK, {
  entry: 'block_unmap_cpu(block, region, unmap_pages)',
  subregion: 'for each contiguous run of pages to unmap: unmap_mapping_range(va_space->mapping, run start, run size, 1), then clear the run in cpu.pte_bits',
});
