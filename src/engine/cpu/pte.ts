/**
 * PTE values: the one place that defines how a CPU page-table entry is packed into a u32 heap word. HMM installs
 * migration entries and device-private entries through this encoding (cpu/mm.ts setPte / clearPte), so keep every
 * user on these helpers.
 *
 *   bits 0-1  kind: 0 none (pte_none), 1 present, 2 migration entry, 3 device-private entry
 *   bit  2    W: writable (_PAGE_RW). For the two swap-type kinds it selects the "write" entry type
 *             (SWP_MIGRATION_WRITE / SWP_DEVICE_WRITE: is_writable_migration_entry, is_writable_device_private_entry)
 *   bit  3    D: dirty (_PAGE_DIRTY; for a migration entry, the SWP_MIG_DIRTY bit of newer kernels)
 *   bit  4    A: accessed (_PAGE_ACCESSED, "young")
 *   bits 5-31 frame number: a system-RAM pfn (cpu/memmap.ts) for present and migration entries; a device page
 *             number chosen by the device's model for device-private entries
 *
 * Real x86-64 PTEs are 64 bits with the pfn in bits 12-51 and swap entries encoded as type + offset in a non-present
 * PTE (arch/x86/include/asm/pgtable_64.h); we keep the meaning and pack it small. 27 bits of frame = 512 GiB.
 */

export const PteKind = { none: 0, present: 1, migration: 2, devicePrivate: 3 } as const;
export const PTE_KIND_NAMES = ['none', 'present', 'migration', 'device_private'];

export const PTE_KIND_MASK = 0x3;
export const PTE_W = 1 << 2;
export const PTE_D = 1 << 3;
export const PTE_A = 1 << 4;
export const PTE_PFN_SHIFT = 5;
export const PTE_PFN_MAX = 2 ** 27 - 1;

export interface PteBits {
  writable?: boolean;
  dirty?: boolean;
  accessed?: boolean;
}

export function makePte(kind: number, pfn: number, bits: PteBits = {}): number {
  if (kind === PteKind.none) return 0;
  if (!Number.isInteger(pfn) || pfn < 0 || pfn > PTE_PFN_MAX) throw new RangeError(`frame ${pfn} does not fit a PTE`);
  return ((pfn << PTE_PFN_SHIFT) | kind | (bits.writable ? PTE_W : 0) | (bits.dirty ? PTE_D : 0) | (bits.accessed ? PTE_A : 0)) >>> 0;
}
export function presentPte(pfn: number, bits: PteBits = {}): number {
  return makePte(PteKind.present, pfn, bits);
}
/** make_migration_entry(page, write): the page is being migrated; a fault waits for it. */
export function migrationEntry(pfn: number, writable: boolean): number {
  return makePte(PteKind.migration, pfn, { writable });
}
/** make_device_private_entry(page, write): the data lives in device memory; a fault calls migrate_to_ram. */
export function devicePrivateEntry(devicePfn: number, writable: boolean): number {
  return makePte(PteKind.devicePrivate, devicePfn, { writable });
}

export function pteKind(v: number): number {
  return v & PTE_KIND_MASK;
}
export function pteNone(v: number): boolean {
  return v === 0;
}
export function ptePresent(v: number): boolean {
  return (v & PTE_KIND_MASK) === PteKind.present;
}
/** A non-present, non-none entry (is_swap_pte): migration or device-private here. */
export function pteIsSwap(v: number): boolean {
  return v !== 0 && (v & PTE_KIND_MASK) !== PteKind.present;
}
export function ptePfn(v: number): number {
  return v >>> PTE_PFN_SHIFT;
}
export function pteWritable(v: number): boolean {
  return (v & PTE_W) !== 0;
}
export function pteDirty(v: number): boolean {
  return (v & PTE_D) !== 0;
}
export function pteAccessed(v: number): boolean {
  return (v & PTE_A) !== 0;
}

/** Readable form, e.g. "present pfn 42 W D A". */
export function describePte(v: number): string {
  if (v === 0) return 'none';
  const flags = [pteWritable(v) ? 'W' : '', pteDirty(v) ? 'D' : '', pteAccessed(v) ? 'A' : ''].filter(Boolean).join(' ');
  return `${PTE_KIND_NAMES[pteKind(v)]} pfn ${ptePfn(v)}${flags ? ' ' + flags : ''}`;
}
