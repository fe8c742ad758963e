/**
 * gdrcopy's transition kinds (state 50–53, events 155–164; see core/kinds.ts) and the small enums their payloads
 * use. State writes carry before/after; events change nothing and carry the payload documented per kind as
 * obj / idx / x / y.
 */

import { defineKinds } from '../core/kinds';

export const GK = defineKinds({
  // ---- state writes ----
  /** A gdr_info (one open of /dev/gdrdrv): open flag, owner, f_mapping, next_handle; the file count. */
  gdrFile: 50,
  /** A gdr_mr: list membership, handle, va, sizes, page-table pointer, cb_flag, mapping type, vma, mapping. */
  gdrMr: 51,
  /** GPU memory and its P2P pages: device buffers (cudaMalloc/cudaFree) and page-table entries (BAR1 addresses). */
  gdrPages: 52,
  /** A CPU VMA over a gdr mapping: start, length, pgoff, address_space, and its present 4 KiB PTEs. */
  gdrVma: 53,

  // ---- events ----
  /** obj = file, idx = process, x = address_space id, y = 1 when it is the shared inode->i_mapping. gdrdrv_open. */
  gdrOpen: 155,
  /** obj = mr, idx = file, x = handle, y = 64 KiB pages. nvidia_p2p_get_pages succeeded; the mr is on the list. */
  gdrPin: 156,
  /** obj = mr, idx = vma, x = start address, y = bytes. gdrdrv_mmap accepted the mapping. */
  gdrMmap: 157,
  /** obj = vma, idx = first 4 KiB page of the run in the VMA, x = BAR1 bus address, y = bytes. One io_remap_pfn_range. */
  gdrRemap: 158,
  /** obj = mr, idx = direction (0 to the GPU, 1 from the GPU), x = bytes, y = ns. gdr_copy_to/from_mapping. */
  gdrCopy: 159,
  /** obj = mr, idx = file, x = handle, y = 64 KiB pages taken back. gdrdrv_get_pages_free_callback ran. */
  gdrFreeCallback: 160,
  /** obj = address_space, idx = mr asking, x = first file page (vm_pgoff), y = pages. unmap_mapping_range called. */
  gdrZapRange: 161,
  /** obj = vma, idx = mr owning that VMA (+1, 0 = none), x = 1 if the VMA belongs to another open file, y = PTEs removed. */
  gdrZapVma: 162,
  /** obj = mr, idx = file, x = handle, y = 64 KiB pages. nvidia_p2p_put_pages released the pin. */
  gdrPutPages: 163,
  /** obj = mr (or file for open/close), idx = GdrOp, x = errno (negative: a signal), y = GdrError reason. */
  gdrError: 164,
} as const);

/** Operations an error can come from (gdrError.idx). */
export const GdrOp = { open: 0, pin: 1, map: 2, copyTo: 3, copyFrom: 4, unmap: 5, unpin: 6, free: 7 } as const;
export const GDR_OP_NAMES = ['open', 'pin', 'map', 'copy_to_mapping', 'copy_from_mapping', 'unmap', 'unpin', 'cudaFree'];

/** Mapping types (gdrdrv.h gdr_mr_type_t; gdrapi.h gdr_mapping_type_t has the same values). */
export const MappingType = { none: 0, wc: 1, caching: 2, device: 3 } as const;
export const MAPPING_TYPE_NAMES = ['none', 'wc', 'caching', 'device'];

export const Errno = { EINVAL: 22, ENOMEM: 12, EAGAIN: 11, SIGBUS: -7, SIGSEGV: -11 } as const;

/** Why an operation was refused (gdrError.y): the errno, and the driver's or library's reason in plain words. */
export const GdrError = {
  noHandle: 0,
  alreadyMapped: 1,
  invalidated: 2,
  noPageTable: 3,
  unalignedPin: 4,
  sizeTooBig: 5,
  notMapped: 6,
  zapped: 7,
  outsideMapping: 8,
  getPagesFailed: 9,
  noBar1: 10,
  libAlreadyMapped: 11,
} as const;

export const GDR_ERRORS: { name: string; errno: number; text: string }[] = [
  { name: 'no_handle', errno: Errno.EINVAL, text: 'EINVAL: no mr with this handle in the file (gdr_mr_from_handle_unlocked)' },
  { name: 'already_mapped', errno: Errno.EINVAL, text: 'EINVAL: the mr is mapped already (gdrdrv_mmap)' },
  { name: 'invalidated', errno: Errno.EINVAL, text: 'EINVAL: the mr has been invalidated: cb_flag is set, the GPU memory was freed (gdrdrv_mmap)' },
  { name: 'no_page_table', errno: Errno.EINVAL, text: 'EINVAL: invalid mr state, no page table (gdrdrv_mmap)' },
  { name: 'unaligned_pin', errno: Errno.EINVAL, text: 'EINVAL: the pinned address is not 64 KiB aligned; offset != 0 is not supported (gdrdrv_mmap)' },
  { name: 'size_too_big', errno: Errno.EINVAL, text: 'EINVAL: the mmap is larger than the pinned GPU pages (gdrdrv_mmap)' },
  { name: 'not_mapped', errno: Errno.EINVAL, text: 'EINVAL: mh is not mapped yet (gdrapi.c)' },
  { name: 'zapped', errno: Errno.SIGBUS, text: 'SIGBUS: the PTEs of this mapping were zapped (unmap_mapping_range); the VMA has no fault handler' },
  { name: 'outside_mapping', errno: Errno.SIGSEGV, text: 'SIGSEGV: the access runs past the end of the mapping' },
  { name: 'get_pages_failed', errno: Errno.EINVAL, text: 'EINVAL: nvidia_p2p_get_pages failed: the range is not live cudaMalloc memory' },
  { name: 'no_bar1', errno: Errno.ENOMEM, text: 'ENOMEM: no BAR1 space left for the pages (nvidia_p2p_get_pages)' },
  { name: 'lib_already_mapped', errno: Errno.EAGAIN, text: 'EAGAIN: mh is mapped already (gdrapi.c:gdr_map_v2); the library does not see invalidations' },
];

export const Direction = { toGpu: 0, fromGpu: 1 } as const;
export const DIRECTION_NAMES = ['to-gpu', 'from-gpu'];
