/**
 * unmap_mapping_range on a /dev/nvidia-uvm address_space (mm/memory.c: unmap_mapping_range → unmap_mapping_pages →
 * unmap_mapping_range_tree, under i_mmap_lock_read(mapping)): every VMA on mapping->i_mmap whose file offsets overlap
 * [first, first + pages) loses its PTEs for that part (zap_page_range_single); the VMAs themselves stay, and a later
 * touch faults. The UVM driver calls it on va_space->mapping from block_unmap_cpu for each run of pages it unmaps
 * (uvm_va_block.c), with offset = the run's virtual address.
 *
 * The VMAs of the modelled process have their PTEs in the blocks' CPU masks: the caller's `zapOwn` removes them there.
 * Another process's VMA on the same address_space (only when uvm_open left every file on the inode's i_mapping) loses
 * the PTEs of its bitmap.
 */

import { fnUnmapMappingRange } from '../cpu/code';
import { UK } from './kinds';
import { V_MAPPING, V_PGOFF, V_PROC, V_STATE } from './state';
import type { UvmDev } from './uvmdev';

/** Removes the PTEs of VMA `vma`'s pages [lo, hi) (pages counted from the VMA's start); returns how many went. */
export type ZapOwn = (vma: number, lo: number, hi: number) => number;

export function unmapMappingRange(u: UvmDev, mapping: number, asking: number, first: number, pages: number, zapOwn: ZapOwn): number {
  const { s, steps } = u;
  steps.enter(fnUnmapMappingRange.at.entry);
  steps.at(fnUnmapMappingRange.at.walk);
  u.store.event(UK.uvmZapRange, mapping, asking, first, pages);
  let total = 0;
  const end = first + pages;
  for (let v = 0; v < s.vmas; v++) {
    if (s.vma(v, V_STATE) !== 1 || s.vma(v, V_MAPPING) !== mapping) continue;
    const pgoff = s.vma(v, V_PGOFF);
    const lo = Math.max(first, pgoff);
    const hi = Math.min(end, pgoff + s.pages(v));
    if (lo >= hi) continue;
    steps.at(fnUnmapMappingRange.at.zap);
    const process = s.vma(v, V_PROC);
    const removed = process === u.modelledProcess ? zapOwn(v, lo - pgoff, hi - pgoff) : s.setPtes(v, lo - pgoff, hi - pgoff, false);
    // the TLB flush (the tlb line) is in the caller's cost of the unmap: no step of its own here
    u.store.event(UK.uvmZapVma, v, process, process === asking ? 0 : 1, removed);
    total += removed;
  }
  steps.leave();
  return total;
}
