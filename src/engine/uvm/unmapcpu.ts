/**
 * block_unmap_cpu (uvm_va_block.c): the CPU side of uvm_va_block_unmap. For each contiguous run of the pages to
 * unmap that the CPU maps, unmap_mapping_range(va_space->mapping, run start, run size, 1) removes the PTEs of every VMA
 * on the va_space's address_space that maps those offsets (offset = virtual address), then the run is cleared in
 * block->cpu.pte_bits. The model keeps the modelled process's CPU PTEs and pte_bits as one mask (the blocks' CPU
 * mapping masks), so the zap of its own VMA clears them.
 *
 * block_revoke_cpu_write is block_unmap_cpu followed by a read-only map of the same pages; the model folds the two
 * into one change of the masks (write and atomic cleared, read kept), while the walk still runs as the unmap does, so
 * another VMA on the same address_space loses its PTEs.
 *
 * Simplified: block_map_cpu_page_to also unmaps a page before inserting it with another protection (vm_insert_page
 * refuses a present PTE); the model changes the CPU's protection in place there.
 */

import type { PageMask } from '../core/bits';
import { PageMask as Mask } from '../core/bits';
import type { Ctx } from './context';
import { fnBlockUnmapCpu } from './code';
import { K } from './kinds';
import { PAGES_PER_BLOCK } from './model';
import { PROT_ATOMIC, PROT_COUNT, PROT_READ, PROT_WRITE } from './layout';
import { MODELLED_PROCESS } from '../uvmdev/state';

const PAGE = 4096;

// Scratch masks: blockUnmapCpu is never re-entered (the zap callback only writes the block's masks), so two masks
// serve every call instead of two allocations per run of pages, on a path taken once per fault batch.
const runScratch = new Mask(PAGES_PER_BLOCK);
const zapScratch = new Mask(PAGES_PER_BLOCK);

/** Unmap `pages` of `block` from the CPU through the va_space's address_space; `writeOnly` for a revocation. */
export function blockUnmapCpu(c: Ctx, block: number, pages: PageMask, writeOnly: boolean): void {
  const { m, steps } = c;
  const dev = c.uvmDev;
  if (!dev) throw new Error('block_unmap_cpu without /dev/nvidia-uvm open');
  const va = m.blockVa[block];
  const readBase = m.layout.mappedBase(block, 0, writeOnly ? PROT_WRITE : PROT_READ);
  steps.enter(fnBlockUnmapCpu.at.entry);
  for (let lo = pages.nextSet(0); lo < pages.pages; ) {
    const hi = pages.nextClear(lo);
    const run = runScratch;
    run.words.fill(0);
    run.setRange(lo, hi);
    // block_has_valid_mapping_cpu: nothing mapped in the run, nothing to zap
    if (run.intersectsHeap(m.blocks, readBase)) {
      steps.at(fnBlockUnmapCpu.at.subregion);
      dev.unmapMappingRange(MODELLED_PROCESS, va + lo * PAGE, (hi - lo) * PAGE, (vma, vlo, vhi) => {
        // the part of the run this VMA maps, as pages of the block
        const first = Math.max(lo, (dev.startOf(vma) - va) / PAGE + vlo);
        const end = Math.min(hi, (dev.startOf(vma) - va) / PAGE + vhi);
        const zap = zapScratch;
        zap.words.fill(0);
        zap.setRange(first, end);
        zap.andHeap(m.blocks, readBase);
        const removed = zap.count();
        if (writeOnly) {
          m.writeMask(m.layout.mappedBase(block, 0, PROT_WRITE), zap, false, K.blockMapped, block);
          m.writeMask(m.layout.mappedBase(block, 0, PROT_ATOMIC), zap, false, K.blockMapped, block);
        } else {
          for (let k = 0; k < PROT_COUNT; k++) m.writeMask(m.layout.mappedBase(block, 0, k), zap, false, K.blockMapped, block);
        }
        return removed;
      });
    }
    lo = pages.nextSet(hi);
  }
  steps.leave();
}
