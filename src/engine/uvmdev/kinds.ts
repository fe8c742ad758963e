/**
 * The transition kinds of /dev/nvidia-uvm's open files, address_spaces and VMAs (ranges in core/kinds.ts: state
 * 61–63, events 200–209). State writes carry before/after; events change nothing and carry the payload written per
 * kind as obj / idx / x / y.
 */

import { defineKinds } from '../core/kinds';

export const UK = defineKinds({
  // ---- state writes ----
  /** An open file of /dev/nvidia-uvm: its process, fd type, filp->f_mapping and va_space->mapping; the file count. */
  uvmFile: 61,
  /** A VMA of /dev/nvidia-uvm: state, file, process, address_space, region, start, length, vm_pgoff; the VMA count. */
  uvmVma: 62,
  /** Another process's PTEs of a UVM VMA, its va_space's CPU pte_bits and its blocks' fault_authorized latches. */
  uvmPte: 63,

  // ---- events ----
  /** obj = file, idx = process, x = address_space id (0: the inode's i_mapping), y = 1 when it is the shared one. uvm_open. */
  uvmOpen: 200,
  /** obj = file, idx = process, x = va_space->mapping (address_space id), y = 0. uvm_va_space_create finished. */
  uvmVaSpace: 201,
  /** obj = vma, idx = region, x = start (= the file offset), y = bytes. uvm_mmap accepted a managed VMA. */
  uvmMmap: 202,
  /** obj = address_space, idx = process asking, x = first file page (offset >> 12), y = pages. unmap_mapping_range. */
  uvmZapRange: 203,
  /** obj = vma, idx = its process, x = 1 when another process asked, y = PTEs removed. One VMA found on i_mmap. */
  uvmZapVma: 204,
  /**
   * obj = vma, idx = page in the VMA, x = outcome (UvmFaultOutcome), y = process. A CPU fault on a UVM VMA of a process
   * other than the modelled one (whose faults are cpuFault events).
   */
  uvmVmFault: 205,
} as const);

/** How another process's CPU fault on its UVM VMA ended (uvmVmFault.x). */
export const UvmFaultOutcome = { firstTouch: 0, skipped: 1, remapped: 2 } as const;
export const UVM_FAULT_OUTCOMES = [
  'first touch: the page is populated on the CPU and mapped',
  'skipped: the va_space already lets the CPU access the page (skip_cpu_fault_with_valid_permissions latched it); the CPU retries',
  'remapped: the same thread faulted on the same page again, so the PTE was dropped behind the driver\u2019s back; the fault is serviced',
];

/** uvm_fd_type_t values the model uses (uvm_fd_type.h). */
export const FdType = { uninitialized: 1, initializing: 2, vaSpace: 3 } as const;
export const FD_TYPE_NAMES = ['none', 'UVM_FD_UNINITIALIZED', 'UVM_FD_INITIALIZING', 'UVM_FD_VA_SPACE'];
