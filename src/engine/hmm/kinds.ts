/**
 * HMM's transition kinds (state 44–49, events 135–154; see core/kinds.ts). State writes carry before/after; events
 * change nothing and carry the payload documented per kind as obj / idx / x / y.
 *
 * "frame" in payloads is the migrate-pfn frame: a system pfn, or DEVICE_FRAME_BASE + device page number for a
 * device-private page (hmm/state.ts).
 */

import { defineKinds } from '../core/kinds';

export const HK = defineKinds({
  // ---- state writes ----
  /** A dmirror_device word (free_pages head and length, calloc, cfree, devmem_count/capacity) or a global counter. */
  hmmDevice: 44,
  /** A dmirror_chunk word (device, state, remove, first page, pages, untouched pages, allocated pages). obj = chunk. */
  hmmChunk: 45,
  /** A device-private struct page word (flags, refcount, zone_device_data link / backing page, owner, rmap). obj = device page. */
  hmmPage: 46,
  /** A word of a dmirror's page table (the `pt` xarray: node count, child link or tagged entry). obj = mirror. */
  hmmPt: 47,
  /** The current migrate_vma / migrate_device_range arguments: header words and src[] / dst[] entries. obj = entry i (or 0xffffffff for the header). */
  hmmMigrate: 48,
  /** A dmirror word (device, mm, pt root, notifier sequence, faults, entry count). obj = mirror. */
  hmmMirror: 49,

  // ---- events ----
  /** obj = chunk, idx = device, x = first device page, y = pages. dmirror_allocate_chunk: memremap_pages of a new chunk. */
  hmmChunkAlloc: 135,
  /** obj = chunk, idx = device, x = first device page, y = pages the eviction moved out. memunmap_pages + release_mem_region: the chunk is gone. */
  hmmChunkRelease: 136,
  /** obj = mirror, idx = MmuNotify event, x = start VA, y = pt entries erased (-1: skipped, the migration is this device's own). */
  hmmInvalidate: 137,
  /** obj = mm (0xffffffff for a device range), idx = HmmDir, x = start VA (first device page for a range), y = pages. A migration began. */
  hmmMigrateStart: 138,
  /** obj = frame, idx = entry i, x = VA, y = src[i]. migrate_vma_collect / migrate_device_range selected a page. */
  hmmCollect: 139,
  /** obj = device, idx = HmmDir, x = bytes, y = ns. One batched copy of a window (PCIe cost). */
  hmmCopy: 140,
  /** obj = destination frame, idx = 0 copy / 1 clear, x = VA, y = source frame (-1 for a clear). One page's data moved. */
  hmmPageCopy: 141,
  /** obj = entry i, idx = HmmDecline reason, x = VA, y = src[i] before. migrate_*_pages cleared MIGRATE_PFN_MIGRATE. */
  hmmDecline: 142,
  /** obj = mm, idx = device page, x = VA, y = 1 for a write. do_swap_page found a device-private entry. */
  hmmDevicePrivateFault: 143,
  /** obj = mirror, idx = 1 for a write, x = VA, y = 0 or a negative errno. dmirror_fault (hmm_range_fault) ran. */
  hmmDeviceFault: 144,
  /** obj = mirror, idx = 1 for a write, x = VA, y = the pt entry used. A device access hit its page table. */
  hmmDeviceAccess: 145,
  /** obj = device page, idx = device, x = 1 recycled onto free_pages / 0 kept (chunk being removed), y = backing pfn freed. */
  hmmPageFree: 146,
  /** obj = mirror, idx = device, x = mm, y = 0. dmirror_fops_open: a mirror with its interval notifier. */
  hmmMirrorOpen: 147,
  /** obj = mm (0xffffffff for a device range), idx = HmmDir, x = start VA, y = pages migrated. A migration window ended. */
  hmmMigrateDone: 148,
  /** obj = mm, idx = HmmErr, x = VA, y = errno (negative). A path gave up. */
  hmmError: 149,
} as const);

/** Direction of a migration (payload of hmmMigrateStart / hmmMigrateDone / hmmCopy). */
export const HmmDir = { toDevice: 0, toSystem: 1, evict: 2 } as const;
export const HMM_DIR_NAMES = ['to device (HtoD)', 'to system (DtoH)', 'evict chunk (DtoH)'];

/** Why migrate_vma_pages / migrate_device_pages cleared MIGRATE_PFN_MIGRATE. */
export const HmmDecline = { noDestination: 0, fileBacked: 1, notNone: 2 } as const;
export const HMM_DECLINE_NAMES = ['the driver gave no destination page', 'file-backed page: only anonymous memory moves to device-private memory', 'the PTE is no longer empty'];

/** Errors of hmmError. */
export const HmmErr = { noVma: 0, special: 1, noDeviceMemory: 2, deviceFault: 3, readOnlyDevicePage: 4 } as const;
export const HMM_ERR_NAMES = ['no VMA (or not readable) at the address', 'VM_SPECIAL / VM_PFNMAP VMA', 'device memory exhausted', 'hmm_range_fault failed', 'device write to a read-only device-private page'];

/** enum mmu_notifier_event (include/linux/mmu_notifier.h), in its order. */
export const MmuNotify = { unmap: 0, clear: 1, protectionVma: 2, protectionPage: 3, softDirty: 4, release: 5, migrate: 6, exclusive: 7 } as const;
export const MMU_NOTIFY_NAMES = ['MMU_NOTIFY_UNMAP', 'MMU_NOTIFY_CLEAR', 'MMU_NOTIFY_PROTECTION_VMA', 'MMU_NOTIFY_PROTECTION_PAGE', 'MMU_NOTIFY_SOFT_DIRTY', 'MMU_NOTIFY_RELEASE', 'MMU_NOTIFY_MIGRATE', 'MMU_NOTIFY_EXCLUSIVE'];

/** Counter names this module adds to (the lead maps them onto the engine's counter list). */
export const HMM_COUNTERS = ['hmm_migrated_pages', 'hmm_device_faults'] as const;
