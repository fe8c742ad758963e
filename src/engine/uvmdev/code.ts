/**
 * Pseudo-code of what happens when a process opens /dev/nvidia-uvm and maps managed memory through it, read from
 * kernel-open/nvidia-uvm/ of the open GPU kernel modules (580.105.08 and 595.45.04 agree here): uvm.c:uvm_open,
 * uvm.c:uvm_api_initialize, uvm_va_space.c:uvm_va_space_create, uvm.c:uvm_mmap, and the fault check
 * uvm_va_block.c:skip_cpu_fault_with_valid_permissions. Names and files are the driver's; the lines are ours. Linux's
 * own do_mmap and unmap_mapping_range are cpu/code.ts's.
 */

import { defineFunction } from '../core/code';

const UVM = 'kernel-open/nvidia-uvm/uvm.c';

export const fnUvmOpen = defineFunction('uvm_open', UVM, {
  entry: 'open("/dev/nvidia-uvm") → chrdev_open → uvm_open_entry → uvm_open(inode, filp): filp->f_mapping is the inode\u2019s i_mapping so far',
  status: 'uvm_global_get_status(): a driver in a fatal error state refuses the open',
  alloc: 'mapping = uvm_kvmalloc(sizeof(struct address_space))',
  init: 'address_space_init_once(mapping); mapping->host = inode; mapping->a_ops = inode->i_mapping->a_ops',
  fmapping: 'filp->private_data = NULL (UVM_FD_UNINITIALIZED); filp->f_mapping = mapping: this file\u2019s VMAs will join mapping->i_mmap, not the inode\u2019s',
  shared: 'counterfactual (policy.uvmSharedMapping): keep filp->f_mapping = inode->i_mapping, one address_space for every open of /dev/nvidia-uvm',
  ret: 'return 0',
});

export const fnApiInitialize = defineFunction('uvm_api_initialize', UVM, {
  entry: 'ioctl(fd, UVM_INITIALIZE) → uvm_api_initialize(params, filp)',
  cas: 'uvm_fd_type_init_cas(filp): UVM_FD_UNINITIALIZED → UVM_FD_INITIALIZING, so only one thread creates the va_space',
  create: 'uvm_va_space_create(filp->f_mapping, &va_space, params->flags)',
  set: 'uvm_fd_type_set(filp, UVM_FD_VA_SPACE, va_space): the file now names its va_space',
});

export const fnVaSpaceCreate = defineFunction('uvm_va_space_create', 'kernel-open/nvidia-uvm/uvm_va_space.c', {
  entry: 'uvm_va_space_create(mapping, &va_space, flags)',
  alloc: 'va_space = uvm_kvmalloc_zero(...); flags outside UVM_INIT_FLAGS_MASK are refused',
  init: 'init its locks and range trees; the CPU goes in can_access, accessible_from, can_copy_from, has_native_atomics',
  mapping: 'va_space->mapping = mapping: every unmap_mapping_range of this va_space\u2019s CPU mappings uses it',
  locked: 'down_write(mmap_lock), uvm_va_space_down_write: perf events, heuristics (prefetch, thrashing), uvm_gpu_init_va_space',
  mm: 'uvm_va_space_mm_register (remember current->mm), uvm_hmm_va_space_initialize; unlock',
  list: 'list_add_tail(&va_space->list_node, &g_uvm_global.va_spaces.list)',
});

export const fnUvmMmap = defineFunction('uvm_mmap', UVM, {
  entry: 'uvm_mmap(filp, vma)  [called by mmap_region before the VMA is linked]',
  offset: 'require vm_start == vm_pgoff << PAGE_SHIFT: a UVM mapping\u2019s file offset is its virtual address',
  shared: 'require VM_SHARED | VM_READ | VM_WRITE: no copy-on-write behind the driver\u2019s back',
  flags: 'VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTCOPY; vma->vm_ops = &uvm_vm_ops_managed',
  range: 'uvm_va_space_down_write; uvm_va_range_create_mmap: the managed va_range that covers the VMA',
  ret: 'return 0',
});

export const fnSkipAuthorized = defineFunction('skip_cpu_fault_with_valid_permissions', 'kernel-open/nvidia-uvm/uvm_va_block.c', {
  entry: 'skip_cpu_fault_with_valid_permissions(va_block, page_index, access)  [from block_cpu_fault_locked]',
  authorized: 'block_page_is_processor_authorized: block->cpu.pte_bits already let the CPU access this page',
  latch: 'first such fault: latch pid, page and time in block->cpu.fault_authorized; return true (skip: the CPU retries the access)',
  same: 'the same thread faults on the same page again: the kernel dropped the PTE, so clear the latch and service the fault',
  no: 'not authorized: return false, service the fault',
});
